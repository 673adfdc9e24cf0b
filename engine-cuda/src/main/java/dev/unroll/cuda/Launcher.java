package dev.unroll.cuda;

import dev.unroll.engine.DType;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;

/**
 * Launches kernels on the backend's stream. Arguments are added in the kernel's parameter order with their
 * exact C types ({@link Args#i int}, {@link Args#d double}, {@link Args#p pointer}, {@link Args#struct by-value
 * struct}), since the driver copies as many bytes per parameter as the kernel declares.
 */
final class Launcher {
    /** Threads per block of every launch (UNROLL_BLOCK in the CUDA sources). */
    static final int BLOCK = 256;
    /** Upper bound on blocks of grid-stride kernels. */
    static final int MAX_BLOCKS = 65_535;

    private final Exec exec;
    private final KernelModule module;
    private final int[] sharedLimitSet = new int[2];

    Launcher(Exec exec, KernelModule module) {
        this.exec = exec;
        this.module = module;
    }

    /** Kernel arguments in declaration order. */
    static final class Args {
        private final List<Pointer> list = new ArrayList<>(20);

        /** An {@code int}. */
        Args i(int v) {
            list.add(Pointer.to(new int[]{v}));
            return this;
        }

        /** A {@code double}. */
        Args d(double v) {
            list.add(Pointer.to(new double[]{v}));
            return this;
        }

        /** A device pointer (0 for null). */
        Args p(long address) {
            list.add(Pointer.to(new long[]{address}));
            return this;
        }

        /** A struct passed by value, already laid out. */
        Args struct(byte[] bytes) {
            list.add(Pointer.to(bytes));
            return this;
        }

        Pointer pack() {
            return Pointer.to(list.toArray(new Pointer[0]));
        }
    }

    static Args args() {
        return new Args();
    }

    /** Blocks for a grid-stride loop over {@code elements} elements (at least 1). */
    static int blocksFor(long elements) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (elements + BLOCK - 1) / BLOCK));
    }

    /** A 1-D launch of {@code blocks} × {@value #BLOCK} threads. */
    void launch(Kernel kernel, DType dtype, int blocks, Args args) {
        launch(kernel, dtype, blocks, 1, BLOCK, 1, 0, args);
    }

    /** A launch with explicit grid, block and dynamic shared memory. */
    void launch(Kernel kernel, DType dtype, int gridX, int gridY, int blockX, int blockY, int sharedBytes, Args args) {
        CUfunction f = module.function(kernel, dtype);
        if (sharedBytes > 48 * 1024) {
            int slot = dtype == DType.F64 ? 1 : 0;
            if (sharedLimitSet[slot] < sharedBytes) {
                Status.cu(JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                        sharedBytes), "cuFuncSetAttribute(" + kernel.entry(dtype) + ", max dynamic shared memory "
                        + sharedBytes + ")");
                sharedLimitSet[slot] = sharedBytes;
            }
        }
        Status.cu(JCudaDriver.cuLaunchKernel(f, gridX, gridY, 1, blockX, blockY, 1, sharedBytes, exec.stream(),
                args.pack(), null), "cuLaunchKernel(" + kernel.entry(dtype) + ")");
    }
}
