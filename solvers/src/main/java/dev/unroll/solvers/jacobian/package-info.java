/**
 * Jacobians of unrolled ISTA with respect to the dictionary (ICLR 2022 Fig 1–2, docs/science.md §5): the
 * forward-mode recursion J_t = ∂z_t/∂D_l for every dictionary row l at once on the backend, its truncation
 * to the last K iterations, the closed form J* on the support of z*, and the distances between them.
 */
package dev.unroll.solvers.jacobian;
