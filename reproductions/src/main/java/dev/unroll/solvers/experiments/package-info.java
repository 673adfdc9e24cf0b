/** The reproduction experiments of the NeurIPS 2019 paper: each writes a CSV and a PNG and prints its table. */
package dev.unroll.solvers.experiments;
