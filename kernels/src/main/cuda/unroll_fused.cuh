// The fused small-problem forward pass: all layers of an unrolled network for a tile of the batch in one
// kernel, with the dictionary D (and ALISTA's W~) in shared memory and the tile's codes, signals and residuals
// kept there across layers. For the layers that act through the residual r = Dz - x (coupled, coupled with a
// scalar threshold, alista, step); LISTA's per-layer m x m weights do not fit and run on cuBLAS instead.
#pragma once

#define FUSED_MAX_LAYERS 64

#define FUSED_COUPLED 1
#define FUSED_COUPLED_SCALAR_THRESHOLD 2
#define FUSED_ALISTA 3
#define FUSED_STEP 4

// Per-layer device pointers and kinds, passed by value (3088 bytes; the host packs it little-endian in
// this order). zt[t] / ut[t] are the tape's z_t (t = 0..T) and u_t (t = 1..T), or 0 without a tape.
struct FusedLayers {
    unsigned long long w[FUSED_MAX_LAYERS];
    unsigned long long theta[FUSED_MAX_LAYERS];
    unsigned long long alpha[FUSED_MAX_LAYERS];
    unsigned long long zt[FUSED_MAX_LAYERS + 1];
    unsigned long long ut[FUSED_MAX_LAYERS + 1];
    int kind[FUSED_MAX_LAYERS];
    int ldw[FUSED_MAX_LAYERS];
};
static_assert(sizeof(FusedLayers) == 3088, "FusedLayers layout is shared with engine-cuda's FusedForward");

// Lanes per output so that outputs * lanes fills the block (a power of two, at most a warp).
__device__ __forceinline__ int fused_lanes(int outputs) {
    int g = 1;
    while (g < 32 && outputs * (g * 2) <= (int) blockDim.x) g *= 2;
    return g;
}

template <typename T>
__device__ __forceinline__ T lane_sum(T v, int lanes) {
    for (int s = lanes / 2; s > 0; s >>= 1) v += __shfl_xor_sync(0xffffffffu, v, s);
    return v;
}

// Shared memory (dynamic): Ds[(n+1) m] (D, padded), Ws[(n+1) m] (W~, ALISTA only), Zs[m tile], Rs[n tile],
// Xs[n tile]. Grid: ceil(batch / tile) blocks of UNROLL_BLOCK threads; block b runs columns [b tile, ...).
template <typename T>
__device__ void unrolled_forward_fused_impl(const T* d, int ldd, const T* wt, int ldwt, int n, int m, const T* x,
                                            int ldx, const T* z0, int ldz0, T* zOut, int ldzo, int batch,
                                            int layers, int tile, double lambda, int ldzt, int ldut,
                                            const FusedLayers& L) {
    extern __shared__ __align__(16) unsigned char fused_smem[];
    const int ldS = n + 1;
    T* Ds = reinterpret_cast<T*>(fused_smem);
    T* Ws = Ds + (long long) ldS * m;
    T* Zs = Ws + (wt != nullptr ? (long long) ldS * m : 0);
    T* Rs = Zs + (long long) m * tile;
    T* Xs = Rs + (long long) n * tile;

    const long long c0 = (long long) blockIdx.x * tile;
    const int tc = (int) min((long long) tile, (long long) batch - c0);
    if (tc <= 0) return;

    for (int e = threadIdx.x; e < n * m; e += blockDim.x) {
        int k = e % n, i = e / n;
        Ds[k + i * ldS] = d[k + (long long) i * ldd];
        if (wt != nullptr) Ws[k + i * ldS] = wt[k + (long long) i * ldwt];
    }
    for (int e = threadIdx.x; e < n * tc; e += blockDim.x) {
        int k = e % n, c = e / n;
        Xs[e] = x[k + (c0 + c) * ldx];
    }
    T* zt0 = reinterpret_cast<T*>(L.zt[0]);
    for (int e = threadIdx.x; e < m * tc; e += blockDim.x) {
        int i = e % m, c = e / m;
        T v = z0 != nullptr ? z0[i + (c0 + c) * ldz0] : (T) 0;
        Zs[e] = v;
        if (zt0 != nullptr) zt0[i + (c0 + c) * ldzt] = v;
    }

    for (int t = 0; t < layers; t++) {
        __syncthreads();
        // r = D z - x for the tile's columns.
        {
            const int outputs = n * tc;
            const int g = fused_lanes(outputs), per = blockDim.x / g, o0 = threadIdx.x / g, l = threadIdx.x % g;
            for (int base = 0; base < outputs; base += per) {
                int o = base + o0;
                bool valid = o < outputs;
                int k = valid ? o % n : 0, c = valid ? o / n : 0;
                T acc = (T) 0;
                if (valid) {
                    for (int i = l; i < m; i += g) acc += Ds[k + i * ldS] * Zs[i + c * m];
                }
                acc = lane_sum(acc, g);
                if (valid && l == 0) Rs[k + c * n] = acc - Xs[k + c * n];
            }
        }
        __syncthreads();
        // u = z - a S r with S = W_t (coupled), W~^T (alista) or D^T (step); z = ST(u, tau).
        {
            const int kind = L.kind[t];
            const T* W = reinterpret_cast<const T*>(L.w[t]);
            const int ldw = L.ldw[t];
            const T* theta = reinterpret_cast<const T*>(L.theta[t]);
            const T* alpha = reinterpret_cast<const T*>(L.alpha[t]);
            const double a = (kind == FUSED_ALISTA || kind == FUSED_STEP) ? (double) alpha[0] : 1.0;
            const int tauMode = kind == FUSED_COUPLED ? TAU_PER_ROW : (kind == FUSED_STEP ? TAU_STEP : TAU_SCALAR_THETA);
            const T* S = kind == FUSED_ALISTA ? Ws : Ds;
            T* ut = reinterpret_cast<T*>(L.ut[t + 1]);
            T* ztn = reinterpret_cast<T*>(L.zt[t + 1]);
            const int outputs = m * tc;
            const int g = fused_lanes(outputs), per = blockDim.x / g, o0 = threadIdx.x / g, l = threadIdx.x % g;
            for (int base = 0; base < outputs; base += per) {
                int o = base + o0;
                bool valid = o < outputs;
                int i = valid ? o % m : 0, c = valid ? o / m : 0;
                T acc = (T) 0;
                if (valid) {
                    if (kind == FUSED_COUPLED || kind == FUSED_COUPLED_SCALAR_THRESHOLD) {
                        for (int k = l; k < n; k += g) acc += W[i + (long long) k * ldw] * Rs[k + c * n];
                    } else {
                        for (int k = l; k < n; k += g) acc += S[k + i * ldS] * Rs[k + c * n];
                    }
                }
                acc = lane_sum(acc, g);
                if (valid && l == 0) {
                    T u = (T) ((double) Zs[i + c * m] - a * (double) acc);
                    T z = (T) soft_threshold_d((double) u, layer_tau(tauMode, theta, alpha, lambda, i));
                    Zs[i + c * m] = z;
                    if (ut != nullptr) ut[i + (c0 + c) * ldut] = u;
                    if (ztn != nullptr) ztn[i + (c0 + c) * ldzt] = z;
                }
            }
        }
    }
    __syncthreads();
    if (zOut != nullptr) {
        for (int e = threadIdx.x; e < m * tc; e += blockDim.x) {
            int i = e % m, c = e / m;
            zOut[i + (c0 + c) * ldzo] = Zs[e];
        }
    }
}
