package dev.unroll.cuda;

import jcuda.driver.CUresult;

/**
 * Checks the status every CUDA driver and cuBLAS call returns: anything but success becomes a
 * {@link CudaException} naming the function and the status. JCuda's own exception flags stay off, so no error
 * can slip through as an ignored integer.
 */
final class Status {
    private Status() {
    }

    /** Throws unless {@code status} is CUDA_SUCCESS (0). */
    static void cu(int status, String function) {
        if (status != 0) {
            throw new CudaException(function + " failed: " + driverName(status) + " (" + status + ")");
        }
    }

    /** Throws unless {@code status} is CUBLAS_STATUS_SUCCESS (0). */
    static void cublas(int status, String function) {
        if (status != 0) {
            throw new CudaException(function + " failed: " + cublasName(status) + " (" + status + ")");
        }
    }

    /** CUresult's name, e.g. CUDA_ERROR_NO_DEVICE; pure Java, needs no native library. */
    static String driverName(int status) {
        try {
            return CUresult.stringFor(status);
        } catch (RuntimeException | LinkageError e) {
            return "CUresult " + status;
        }
    }

    /** cublasStatus_t's name (the values are the same in cuBLAS 12 and 13). */
    static String cublasName(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus " + status;
        };
    }
}
