// Shared helpers of Unroll's kernels: Java-compatible scalar semantics and block reductions.
//
// Every kernel follows the reference backend (engine-api, dev.unroll.engine.reference) exactly where it
// matters for the conformance suite: thresholds and Adam are evaluated in double (also for F32 data),
// sign(0) = 0, the reverse-mode mask is strict (|u| > tau), max() propagates NaN as Math.max does, and a
// gradient that is exactly zero is +0 (written as 0.0 + value).
#pragma once

#define UNROLL_BLOCK 256

// Math.signum: -1, +1, or the argument itself for ±0 and NaN.
__device__ __forceinline__ double jsignum(double v) {
    return v > 0 ? 1.0 : (v < 0 ? -1.0 : v);
}

// Math.max(a, 0) with Java's NaN propagation.
__device__ __forceinline__ double jmax0(double a) {
    return a != a ? a : (a > 0 ? a : 0.0);
}

// Math.max(a, b) with Java's NaN propagation.
__device__ __forceinline__ double jmax(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    return a > b ? a : b;
}

// ST(u, tau) = sign(u) * max(|u| - tau, 0), evaluated in double as ReferenceKernels.softThreshold.
__device__ __forceinline__ double soft_threshold_d(double u, double tau) {
    return jsignum(u) * jmax0(fabs(u) - tau);
}

// Where a layer's threshold comes from: lambda * theta_i, lambda * theta_0 or lambda * alpha_0.
#define TAU_PER_ROW 0
#define TAU_SCALAR_THETA 1
#define TAU_STEP 2

template <typename T>
__device__ __forceinline__ double layer_tau(int mode, const T* theta, const T* alpha, double lambda, long long i) {
    if (mode == TAU_PER_ROW) return lambda * (double) theta[i];
    if (mode == TAU_SCALAR_THETA) return lambda * (double) theta[0];
    return lambda * (double) alpha[0];
}

// Sum (op 0) or NaN-propagating max (op 1) of one double per thread over the block; result in thread 0.
__device__ __forceinline__ double block_reduce(double v, int maxOp) {
    __shared__ double partial[UNROLL_BLOCK / 32];
    unsigned lane = threadIdx.x & 31u;
    unsigned warp = threadIdx.x >> 5;
    for (int o = 16; o > 0; o >>= 1) {
        double w = __shfl_down_sync(0xffffffffu, v, o);
        v = maxOp ? jmax(v, w) : v + w;
    }
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    double r = maxOp ? 0.0 : 0.0;
    if (threadIdx.x == 0) {
        r = partial[0];
        for (unsigned w = 1; w < (blockDim.x + 31u) / 32u; w++) r = maxOp ? jmax(r, partial[w]) : r + partial[w];
    }
    __syncthreads();
    return r;
}

// Grid-stride loop over the rows x cols elements of a column-major matrix: element k is (k % rows, k / rows).
#define FOR_EACH_ELEMENT(rows, cols, i, j)                                                              \
    for (long long _k = (long long) blockIdx.x * blockDim.x + threadIdx.x,                              \
                   _n = (long long) (rows) * (cols);                                                    \
         _k < _n; _k += (long long) gridDim.x * blockDim.x)                                             \
        for (long long i = _k % (rows), j = _k / (rows), _once = 1; _once; _once = 0)
