/**
 * Dictionary learning by unrolling (ICLR 2022, docs/science.md §8): alternating minimisation (g¹), deep dictionary
 * learning (g², full or truncated back-propagation) and DDL with learned steps, over unrolled ISTA or FISTA;
 * PLIPY's full-batch line search with unit-norm atoms and its stochastic mini-batch variant; the data
 * generators and the recovery score (Hungarian matching); the image patches of the denoising figure live with the
 * experiments (module dev.unroll.reproductions).
 */
package dev.unroll.solvers.dictionary;
