/**
 * The libraries a user would otherwise pick for the same work, benchmarked on the same shapes in the same
 * run as the backends: EJML (pure Java) and OpenBLAS (native, through the Foreign Function &amp; Memory API).
 * {@link dev.unroll.bench.peers.Peers} names them, probes them and builds their workloads.
 */
package dev.unroll.bench.peers;
