package dev.unroll.cli.serve;

import dev.unroll.solvers.HostMatrix;

/**
 * The signals of one /encode request, decoded.
 *
 * @param x       the signals, n×B, one per column
 * @param single  whether the request sent one signal (answered as one code) rather than a batch
 * @param float32 whether the request came as float32 (an {@code .npy} of {@code <f4}), answered in float32
 */
record Signals(HostMatrix x, boolean single, boolean float32) {
}
