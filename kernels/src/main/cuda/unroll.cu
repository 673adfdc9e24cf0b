// Unroll's CUDA kernels: everything the cuda backend runs besides cuBLAS. One translation unit, built by
// kernels/build-kernels.sh into a fatbin (sm_80 + sm_90 SASS, compute_90 PTX) and a PTX (ISA 8.0) image.
//
// Conventions: matrices are column-major with an explicit leading dimension; element (i, j) of x is
// x[i + j * ldx] (the host adds the matrix's offset to the pointer). Kernels come in pairs, NAME_f32 and
// NAME_f64, with C linkage so the host finds them by name (engine-cuda's Kernel enum lists them). Scalars
// that steer rounding (thresholds, step sizes, Adam) are passed and evaluated in double, as the reference
// backend does. Every launch uses UNROLL_BLOCK (256) threads per block unless noted.
#include "unroll_common.cuh"
#include "unroll_fused.cuh"

// ------------------------------------------------------------------------------------------ elementwise

template <typename T>
__device__ void fill_impl(T* x, int ldx, int rows, int cols, double v) {
    FOR_EACH_ELEMENT(rows, cols, i, j) x[i + j * ldx] = (T) v;
}

template <typename T>
__device__ void copy_impl(const T* s, int lds, T* d, int ldd, int rows, int cols) {
    FOR_EACH_ELEMENT(rows, cols, i, j) d[i + j * ldd] = s[i + j * lds];
}

template <typename T>
__device__ void scale_impl(T* x, int ldx, int rows, int cols, double a) {
    FOR_EACH_ELEMENT(rows, cols, i, j) x[i + j * ldx] = (T) (a * (double) x[i + j * ldx]);
}

// y <- a x + y, in double.
template <typename T>
__device__ void axpy_impl(double a, const T* x, int ldx, T* y, int ldy, int rows, int cols) {
    FOR_EACH_ELEMENT(rows, cols, i, j) {
        T* p = y + i + j * ldy;
        *p = (T) (a * (double) x[i + j * ldx] + (double) *p);
    }
}

// x <- sign * s[0] * x, with the scalar read on the device (a step size of the network).
template <typename T>
__device__ void scale_by_scalar_impl(T* x, int ldx, int rows, int cols, const T* s, double sign) {
    double a = sign * (double) s[0];
    FOR_EACH_ELEMENT(rows, cols, i, j) x[i + j * ldx] = (T) (a * (double) x[i + j * ldx]);
}

// out = ST(u, tau_i) with tau_i = scale * tauPerRow[i] (or scale); mask = 1{|u| > tau} when mask != 0.
// out may be u itself.
template <typename T>
__device__ void soft_threshold_impl(const T* u, int ldu, const T* tau, double scale, T* out, int ldo, T* mask,
                                    int ldm, int rows, int cols) {
    FOR_EACH_ELEMENT(rows, cols, i, j) {
        double t = tau == nullptr ? scale : scale * (double) tau[i];
        double v = (double) u[i + j * ldu];
        if (mask != nullptr) mask[i + j * ldm] = (T) (fabs(v) > t ? 1.0 : 0.0);
        out[i + j * ldo] = (T) soft_threshold_d(v, t);
    }
}

// out = a * sign(z), sign(0) = 0.
template <typename T>
__device__ void sign_scaled_impl(const T* z, int ldz, double a, T* out, int ldo, int rows, int cols) {
    FOR_EACH_ELEMENT(rows, cols, i, j) out[i + j * ldo] = (T) (a * jsignum((double) z[i + j * ldz]));
}

// One Adam step, PyTorch's form, in double: m <- b1 m + (1-b1) g, v <- b2 v + (1-b2) g^2,
// p <- p - lrOverBias1 * m / (sqrt(v) / sqrtBias2 + eps).
template <typename T>
__device__ void adam_impl(T* p, int ldp, const T* g, int ldg, T* m, int ldm, T* v, int ldv, int rows, int cols,
                          double lrOverBias1, double sqrtBias2, double b1, double b2, double eps) {
    FOR_EACH_ELEMENT(rows, cols, i, j) {
        double gv = (double) g[i + j * ldg];
        double mv = b1 * (double) m[i + j * ldm] + (1 - b1) * gv;
        double vv = b2 * (double) v[i + j * ldv] + (1 - b2) * gv * gv;
        m[i + j * ldm] = (T) mv;
        v[i + j * ldv] = (T) vv;
        T* pp = p + i + j * ldp;
        *pp = (T) ((double) *pp - lrOverBias1 * mv / (sqrt(vv) / sqrtBias2 + eps));
    }
}

// ------------------------------------------------------------------------------------------ reductions

#define RED_SUM 0
#define RED_DOT 1
#define RED_MAXABS 2
#define RED_SUMSQ_SCALED 3

// Stage 1: one double per block into partials[blockIdx.x]: sum x, sum x*y, max |x| or sum (x/s)^2.
template <typename T>
__device__ void reduce_partial_impl(int op, const T* x, int ldx, const T* y, int ldy, int rows, int cols, double s,
                                    double* partials) {
    double acc = 0.0;
    FOR_EACH_ELEMENT(rows, cols, i, j) {
        double a = (double) x[i + j * ldx];
        switch (op) {
            case RED_SUM: acc += a; break;
            case RED_DOT: acc += a * (double) y[i + j * ldy]; break;
            case RED_MAXABS: acc = jmax(acc, fabs(a)); break;
            default: { double q = a / s; acc += q * q; }
        }
    }
    double r = block_reduce(acc, op == RED_MAXABS);
    if (threadIdx.x == 0) partials[blockIdx.x] = r;
}

// Stage 2 (one block): out[0] = combination of partials[0..count).
extern "C" __global__ void __launch_bounds__(UNROLL_BLOCK) reduce_finish(int op, const double* partials, int count,
                                                                       double* out) {
    double acc = 0.0;
    for (int k = threadIdx.x; k < count; k += blockDim.x) {
        acc = op == RED_MAXABS ? jmax(acc, partials[k]) : acc + partials[k];
    }
    double r = block_reduce(acc, op == RED_MAXABS);
    if (threadIdx.x == 0) out[0] = r;
}

// ------------------------------------------------------------------------------------------ losses

// Per column b (one block per column, grid-stride): f_b = 1/2 |r_b|^2 + lambda |z_b|_1 into colTerm[b] (double)
// and perSample[b * ldps] (when given).
template <typename T>
__device__ void lasso_columns_impl(const T* r, int ldr, int n, const T* z, int ldz, int m, int cols, double lambda,
                                   T* perSample, int ldps, double* colTerm) {
    for (int b = blockIdx.x; b < cols; b += gridDim.x) {
        double ss = 0.0, l1 = 0.0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            double v = (double) r[i + (long long) b * ldr];
            ss += v * v;
        }
        for (int i = threadIdx.x; i < m; i += blockDim.x) l1 += fabs((double) z[i + (long long) b * ldz]);
        double s2 = block_reduce(ss, 0);
        double a1 = block_reduce(l1, 0);
        if (threadIdx.x == 0) {
            double f = 0.5 * s2 + lambda * a1;
            colTerm[b] = f;
            if (perSample != nullptr) perSample[(long long) b * ldps] = (T) f;
        }
    }
}

// Per column b: e = z_b - t_b, f_b = 1/2 |e|^2 into colTerm[b] and perSample; gradZ = e / batch.
template <typename T>
__device__ void supervised_columns_impl(const T* z, int ldz, const T* t, int ldt, int rows, int cols, T* perSample,
                                        int ldps, double* colTerm, T* gradZ, int ldg, double batch) {
    for (int b = blockIdx.x; b < cols; b += gridDim.x) {
        double ss = 0.0;
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            double e = (double) z[i + (long long) b * ldz] - (double) t[i + (long long) b * ldt];
            ss += 0.5 * e * e;
            if (gradZ != nullptr) gradZ[i + (long long) b * ldg] = (T) (e / batch);
        }
        double f = block_reduce(ss, 0);
        if (threadIdx.x == 0) {
            colTerm[b] = f;
            if (perSample != nullptr) perSample[(long long) b * ldps] = (T) f;
        }
    }
}

// ------------------------------------------------------------------------------------------ unrolled layers

// Forward epilogue of one layer: u = p (mode 0, LISTA: p already holds W_z z + W_x x), u = z - p (mode 1,
// coupled: p = W r) or u = z - alpha_0 p (mode 2, alista/step: p = W~^T r or D^T r); u is rounded to T, stored
// into uOut when given, and zOut = ST(u, tau_i).
template <typename T>
__device__ void layer_epilogue_impl(int mode, const T* z, int ldz, const T* p, int ldp, const T* alpha, int tauMode,
                                    const T* theta, double lambda, T* uOut, int lduo, T* zOut, int ldzo, int rows,
                                    int cols) {
    double a = mode == 2 ? (double) alpha[0] : 1.0;
    FOR_EACH_ELEMENT(rows, cols, i, j) {
        double pv = (double) p[i + j * ldp];
        T u = mode == 0 ? (T) pv : (T) ((double) z[i + j * ldz] - a * pv);
        if (uOut != nullptr) uOut[i + j * lduo] = u;
        zOut[i + j * ldzo] = (T) soft_threshold_d((double) u, layer_tau(tauMode, theta, alpha, lambda, i));
    }
}

// Reverse-mode mask of one layer: ubar = 1{|u| > tau_i} * g, and per row i the partial sums over this chunk of
// columns of s = sign(u) * ubar into rowPartials[blockIdx.y * rows + i]. Block (32, 8); grid (ceil(rows/32),
// chunks); chunk c covers columns [c * colsPerChunk, (c + 1) * colsPerChunk).
template <typename T>
__device__ void masked_grad_impl(const T* u, int ldu, int tauMode, const T* theta, const T* alpha, double lambda,
                                 const T* g, int ldg, T* ubar, int ldub, int rows, int cols, int colsPerChunk,
                                 double* rowPartials) {
    __shared__ double part[8][33];
    long long i = (long long) blockIdx.x * 32 + threadIdx.x;
    double s = 0.0;
    if (i < rows) {
        double tau = layer_tau(tauMode, theta, alpha, lambda, i);
        long long j0 = (long long) blockIdx.y * colsPerChunk;
        long long j1 = min((long long) cols, j0 + colsPerChunk);
        for (long long j = j0 + threadIdx.y; j < j1; j += blockDim.y) {
            double uv = (double) u[i + j * ldu];
            double gv = (double) g[i + j * ldg];
            bool on = fabs(uv) > tau;
            ubar[i + j * ldub] = on ? (T) gv : (T) 0;
            if (on) s += jsignum(uv) * gv;
        }
    }
    part[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && i < rows) {
        double t = 0.0;
        for (int k = 0; k < 8; k++) t += part[k][threadIdx.x];
        rowPartials[(long long) blockIdx.y * rows + i] = t;
    }
}

// One block: S_i = sum over chunks of rowPartials; out[i] = 0 + coef * S_i when out != 0 (per-atom threshold
// gradients, coef = -lambda), and total[0] = sum_i S_i when total != 0.
template <typename T>
__device__ void row_finish_impl(const double* rowPartials, int chunks, int rows, double coef, T* out,
                                double* total) {
    double acc = 0.0;
    for (int i = threadIdx.x; i < rows; i += blockDim.x) {
        double s = 0.0;
        for (int c = 0; c < chunks; c++) s += rowPartials[(long long) c * rows + i];
        if (out != nullptr) out[i] = (T) (0.0 + coef * s);
        acc += s;
    }
    double r = block_reduce(acc, 0);
    if (threadIdx.x == 0 && total != nullptr) total[0] = r;
}

// One thread: out[0] = 0 + ca * a[0] + cb * b[0] (b optional): scalar gradients assembled on the device.
template <typename T>
__device__ void scalar_combine_impl(T* out, const double* a, double ca, const double* b, double cb) {
    if (threadIdx.x == 0 && blockIdx.x == 0) {
        double v = 0.0 + ca * a[0];
        if (b != nullptr) v += cb * b[0];
        out[0] = (T) (0.0 + v);
    }
}

// ------------------------------------------------------------------------------------------ entry points

#define UNROLL_ENTRY extern "C" __global__ void __launch_bounds__(UNROLL_BLOCK)

#define UNROLL_KERNELS(T, SUF)                                                                                   \
UNROLL_ENTRY fill_##SUF(T* x, int ldx, int rows, int cols, double v) { fill_impl<T>(x, ldx, rows, cols, v); }   \
UNROLL_ENTRY copy_##SUF(const T* s, int lds, T* d, int ldd, int rows, int cols) {                                \
    copy_impl<T>(s, lds, d, ldd, rows, cols); }                                                                  \
UNROLL_ENTRY scale_##SUF(T* x, int ldx, int rows, int cols, double a) { scale_impl<T>(x, ldx, rows, cols, a); } \
UNROLL_ENTRY axpy_##SUF(double a, const T* x, int ldx, T* y, int ldy, int rows, int cols) {                      \
    axpy_impl<T>(a, x, ldx, y, ldy, rows, cols); }                                                               \
UNROLL_ENTRY scale_by_scalar_##SUF(T* x, int ldx, int rows, int cols, const T* s, double sign) {                 \
    scale_by_scalar_impl<T>(x, ldx, rows, cols, s, sign); }                                                      \
UNROLL_ENTRY soft_threshold_##SUF(const T* u, int ldu, const T* tau, double scale, T* out, int ldo, T* mask,     \
                                  int ldm, int rows, int cols) {                                                 \
    soft_threshold_impl<T>(u, ldu, tau, scale, out, ldo, mask, ldm, rows, cols); }                               \
UNROLL_ENTRY sign_scaled_##SUF(const T* z, int ldz, double a, T* out, int ldo, int rows, int cols) {             \
    sign_scaled_impl<T>(z, ldz, a, out, ldo, rows, cols); }                                                      \
UNROLL_ENTRY adam_##SUF(T* p, int ldp, const T* g, int ldg, T* m, int ldm, T* v, int ldv, int rows, int cols,    \
                        double lrOverBias1, double sqrtBias2, double b1, double b2, double eps) {                \
    adam_impl<T>(p, ldp, g, ldg, m, ldm, v, ldv, rows, cols, lrOverBias1, sqrtBias2, b1, b2, eps); }             \
UNROLL_ENTRY reduce_partial_##SUF(int op, const T* x, int ldx, const T* y, int ldy, int rows, int cols, double s, \
                                  double* partials) {                                                            \
    reduce_partial_impl<T>(op, x, ldx, y, ldy, rows, cols, s, partials); }                                       \
UNROLL_ENTRY lasso_columns_##SUF(const T* r, int ldr, int n, const T* z, int ldz, int m, int cols, double lambda,  \
                                 T* perSample, int ldps, double* colTerm) {                                      \
    lasso_columns_impl<T>(r, ldr, n, z, ldz, m, cols, lambda, perSample, ldps, colTerm); }                       \
UNROLL_ENTRY supervised_columns_##SUF(const T* z, int ldz, const T* t, int ldt, int rows, int cols, T* perSample, \
                                      int ldps, double* colTerm, T* gradZ, int ldg, double batch) {              \
    supervised_columns_impl<T>(z, ldz, t, ldt, rows, cols, perSample, ldps, colTerm, gradZ, ldg, batch); }       \
UNROLL_ENTRY layer_epilogue_##SUF(int mode, const T* z, int ldz, const T* p, int ldp, const T* alpha, int tauMode, \
                                  const T* theta, double lambda, T* uOut, int lduo, T* zOut, int ldzo, int rows,  \
                                  int cols) {                                                                    \
    layer_epilogue_impl<T>(mode, z, ldz, p, ldp, alpha, tauMode, theta, lambda, uOut, lduo, zOut, ldzo, rows,    \
                           cols); }                                                                              \
UNROLL_ENTRY masked_grad_##SUF(const T* u, int ldu, int tauMode, const T* theta, const T* alpha, double lambda,   \
                               const T* g, int ldg, T* ubar, int ldub, int rows, int cols, int colsPerChunk,     \
                               double* rowPartials) {                                                            \
    masked_grad_impl<T>(u, ldu, tauMode, theta, alpha, lambda, g, ldg, ubar, ldub, rows, cols, colsPerChunk,     \
                        rowPartials); }                                                                          \
UNROLL_ENTRY row_finish_##SUF(const double* rowPartials, int chunks, int rows, double coef, T* out,               \
                              double* total) {                                                                   \
    row_finish_impl<T>(rowPartials, chunks, rows, coef, out, total); }                                           \
UNROLL_ENTRY scalar_combine_##SUF(T* out, const double* a, double ca, const double* b, double cb) {              \
    scalar_combine_impl<T>(out, a, ca, b, cb); }                                                                 \
UNROLL_ENTRY unrolled_forward_fused_##SUF(const T* d, int ldd, const T* wt, int ldwt, int n, int m,              \
                                          const T* x, int ldx, const T* z0, int ldz0, T* zOut, int ldzo,         \
                                          int batch, int layers, int tile, double lambda, int ldzt, int ldut,    \
                                          FusedLayers L) {                                                       \
    unrolled_forward_fused_impl<T>(d, ldd, wt, ldwt, n, m, x, ldx, z0, ldz0, zOut, ldzo, batch, layers, tile,    \
                                   lambda, ldzt, ldut, L); }

UNROLL_KERNELS(float, f32)
UNROLL_KERNELS(double, f64)
