package dev.unroll.cuda;

import dev.unroll.engine.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Every kernel entry point the backend launches, as named in {@code kernels/src/main/cuda/unroll.cu}. Typed
 * kernels exist as {@code NAME_f32} and {@code NAME_f64}; the image check verifies that each name is
 * declared by the committed images.
 */
enum Kernel {
    FILL("fill"),
    COPY("copy"),
    SCALE("scale"),
    AXPY("axpy"),
    SCALE_BY_SCALAR("scale_by_scalar"),
    SOFT_THRESHOLD("soft_threshold"),
    SIGN_SCALED("sign_scaled"),
    ADAM("adam"),
    REDUCE_PARTIAL("reduce_partial"),
    REDUCE_FINISH("reduce_finish", false),
    LASSO_COLUMNS("lasso_columns"),
    SUPERVISED_COLUMNS("supervised_columns"),
    LAYER_EPILOGUE("layer_epilogue"),
    MASKED_GRAD("masked_grad"),
    ROW_FINISH("row_finish"),
    SCALAR_COMBINE("scalar_combine"),
    UNROLLED_FORWARD_FUSED("unrolled_forward_fused");

    private final String base;
    private final boolean typed;

    Kernel(String base) {
        this(base, true);
    }

    Kernel(String base, boolean typed) {
        this.base = base;
        this.typed = typed;
    }

    /** The entry point for {@code dtype} (untyped kernels ignore it). */
    String entry(DType dtype) {
        if (!typed) {
            return base;
        }
        return base + (dtype == DType.F32 ? "_f32" : "_f64");
    }

    /** Whether the kernel exists per precision. */
    boolean typed() {
        return typed;
    }

    /** Every entry point name the backend may launch. */
    static List<String> allEntries() {
        List<String> out = new ArrayList<>();
        for (Kernel k : values()) {
            if (k.typed) {
                out.add(k.entry(DType.F32));
                out.add(k.entry(DType.F64));
            } else {
                out.add(k.base);
            }
        }
        return out;
    }
}
