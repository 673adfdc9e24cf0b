/**
 * Gradient estimation for min–min problems ℓ(x) = min_z G(z, x) (ICML 2020, docs/science.md §7): the analytic g¹,
 * the automatic g² (reverse mode through the iterations) and the implicit g³, on ridge and ℓ2-regularised
 * logistic regression (host, double precision) and on the Lasso / dictionary-learning loss through unrolled
 * ISTA and FISTA on the backend, with truncated back-propagation.
 */
package dev.unroll.solvers.gradients;
