package dev.unroll.engine;

import java.util.List;
import java.util.Locale;

/**
 * How one layer of an unrolled ISTA network is parametrized (docs/science.md §3.1, ADOPTY's {@code Lista}).
 * With r = Dz − x and ST the soft-threshold:
 * <ul>
 * <li>{@link #LISTA}: z⁺ = ST(W_z z + W_x x, λθ), θ per atom;</li>
 * <li>{@link #COUPLED} (LISTA-CP): z⁺ = ST(z − W r, λθ), θ per atom;</li>
 * <li>{@link #ALISTA}: z⁺ = ST(z − α W̃ᵀ r, λθ) with the fixed analytic W̃ (n×m), scalar α and θ;</li>
 * <li>{@link #STEP} (SLISTA): z⁺ = ST(z − α Dᵀ r, λα), scalar α;</li>
 * <li>{@link #FIRST_STEP}: layer 0 is COUPLED with a scalar θ, the others are STEP.</li>
 * </ul>
 * Parameters are untied: every layer owns its own.
 */
public enum Parametrization {
    /** Gregor &amp; LeCun's LISTA, two matrices per layer. */
    LISTA,
    /** LISTA-CP (Chen et al. 2018): one coupled matrix per layer. */
    COUPLED,
    /** ALISTA: analytic W̃, learned scalar step and threshold per layer. */
    ALISTA,
    /** SLISTA: a learned step size per layer and nothing else. */
    STEP,
    /** A coupled first layer, then step-only layers. */
    FIRST_STEP;

    /** The parameters of layer {@code layer} (0-based), in the order {@link ParameterSet} stores them. */
    public List<ParamKind> layout(int layer) {
        return switch (this) {
            case LISTA -> Layouts.LISTA;
            case COUPLED -> Layouts.COUPLED;
            case ALISTA -> Layouts.ALISTA;
            case STEP -> Layouts.STEP;
            case FIRST_STEP -> layer == 0 ? Layouts.FIRST_STEP_FIRST : Layouts.STEP;
        };
    }

    /** The layouts, made once: kernels look parameters up every layer of every pass. */
    private static final class Layouts {
        static final List<ParamKind> LISTA = List.of(ParamKind.W_Z, ParamKind.W_X, ParamKind.THRESHOLDS);
        static final List<ParamKind> COUPLED = List.of(ParamKind.W_COUPLED, ParamKind.THRESHOLDS);
        static final List<ParamKind> ALISTA = List.of(ParamKind.STEP_SIZE, ParamKind.THRESHOLD);
        static final List<ParamKind> STEP = List.of(ParamKind.STEP_SIZE);
        static final List<ParamKind> FIRST_STEP_FIRST = List.of(ParamKind.W_COUPLED, ParamKind.THRESHOLD);
    }

    /** What layer {@code layer} computes, the unit the kernels dispatch on. */
    public LayerKind layerKind(int layer) {
        return switch (this) {
            case LISTA -> LayerKind.LISTA;
            case COUPLED -> LayerKind.COUPLED;
            case ALISTA -> LayerKind.ALISTA;
            case STEP -> LayerKind.STEP;
            case FIRST_STEP -> layer == 0 ? LayerKind.COUPLED_SCALAR_THRESHOLD : LayerKind.STEP;
        };
    }

    /** Lower-case name as the reference code and model files spell it ("lista", "first_step", ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The parametrization named {@code id} ("lista", "coupled", "alista", "step", "first_step").
     *
     * @throws InvalidArgumentException for any other name, listing the known ones
     */
    public static Parametrization fromId(String id) {
        for (Parametrization p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new InvalidArgumentException("unknown parametrization '" + id + "'; expected one of "
                + java.util.Arrays.stream(values()).map(Parametrization::id).toList());
    }

    /** The computation of one layer, independent of which network it sits in. */
    public enum LayerKind {
        /** z⁺ = ST(W_z z + W_x x, λθ), θ ∈ ℝᵐ. */
        LISTA,
        /** z⁺ = ST(z − W(Dz − x), λθ), θ ∈ ℝᵐ. */
        COUPLED,
        /** z⁺ = ST(z − W(Dz − x), λθ), scalar θ. */
        COUPLED_SCALAR_THRESHOLD,
        /** z⁺ = ST(z − α W̃ᵀ(Dz − x), λθ), scalars α, θ. */
        ALISTA,
        /** z⁺ = ST(z − α Dᵀ(Dz − x), λα), scalar α. */
        STEP
    }
}
