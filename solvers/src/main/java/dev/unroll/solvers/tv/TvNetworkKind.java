package dev.unroll.solvers.tv;

import dev.unroll.engine.InvalidArgumentException;
import java.util.List;

/**
 * The TV networks of docs/science.md §9 that {@link TvNetwork} builds, by the names the command line and
 * the experiments use.
 *
 * @param id              the name, e.g. {@code lpgd-taut}
 * @param family          which algorithm the layers unroll
 * @param parametrization what a layer learns (synthesis, Condat–Vu and Chambolle; null for LPGD): two
 *                        matrices ({@link SynthesisKind#LISTA}, CARPET's "orig"), one matrix
 *                        ({@link SynthesisKind#COUPLED}) or a step ({@link SynthesisKind#STEP})
 * @param innerLayers     LPGD-LISTA's unrolled inner prox depth; 0 for the exact taut-string prox
 * @param learnProx       whether and how LPGD-LISTA's inner prox is learned
 */
public record TvNetworkKind(String id, Family family, SynthesisKind parametrization, int innerLayers,
                            LearnProx learnProx) {
    /** How LPGD-LISTA's inner network is trained. */
    public enum LearnProx { NONE, GLOBAL, PER_LAYER }

    /** The algorithm a network unrolls. */
    public enum Family {
        /** ISTA on the synthesis form u = Cz ({@link SynthesisLayer}). */
        SYNTHESIS,
        /** Proximal gradient on the analysis form ({@link AnalysisLayer}). */
        LPGD,
        /** The primal–dual Condat–Vu iteration ({@link CondatVuLayer}). */
        CONDAT_VU,
        /** Projected gradient on the dual (Chambolle, {@link ChambolleLayer}). */
        CHAMBOLLE
    }

    /** Synthesis LISTA (W_z, W_x, θ per layer; CARPET {@code origista}). */
    public static final TvNetworkKind LISTA_SYNTHESIS = new TvNetworkKind("lista-synthesis",
            Family.SYNTHESIS, SynthesisKind.LISTA, 0, LearnProx.NONE);
    /** Synthesis LISTA-CP (W, θ per layer; {@code coupledista}, the paper's "Synthesis LISTA"). */
    public static final TvNetworkKind COUPLED_SYNTHESIS = new TvNetworkKind("coupled-synthesis",
            Family.SYNTHESIS, SynthesisKind.COUPLED, 0, LearnProx.NONE);
    /** Synthesis step-LISTA (α per layer; {@code stepista}). */
    public static final TvNetworkKind STEP_SYNTHESIS = new TvNetworkKind("step-synthesis",
            Family.SYNTHESIS, SynthesisKind.STEP, 0, LearnProx.NONE);
    /** LPGD with the exact taut-string prox and its implicit backward ({@code lpgd_taut_string}). */
    public static final TvNetworkKind LPGD_TAUT = new TvNetworkKind("lpgd-taut", Family.LPGD, null, 0,
            LearnProx.NONE);
    /** Unrolled Condat–Vu learning W (init Δᵀ) and θ per layer ({@code coupledcondatvu}). */
    public static final TvNetworkKind COUPLED_CONDAT_VU = new TvNetworkKind("coupled-condat-vu", Family.CONDAT_VU,
            SynthesisKind.COUPLED, 0, LearnProx.NONE);
    /** Unrolled Condat–Vu learning σ ∈ [½, 2] per layer ({@code stepcondatvu}). */
    public static final TvNetworkKind STEP_CONDAT_VU = new TvNetworkKind("step-condat-vu", Family.CONDAT_VU,
            SynthesisKind.STEP, 0, LearnProx.NONE);
    /** Unrolled dual projected gradient learning W_v, W_x per layer ({@code origchambolle}). */
    public static final TvNetworkKind ORIG_CHAMBOLLE = new TvNetworkKind("orig-chambolle", Family.CHAMBOLLE,
            SynthesisKind.LISTA, 0, LearnProx.NONE);
    /** Unrolled dual projected gradient learning W per layer ({@code coupledchambolle}). */
    public static final TvNetworkKind COUPLED_CHAMBOLLE = new TvNetworkKind("coupled-chambolle", Family.CHAMBOLLE,
            SynthesisKind.COUPLED, 0, LearnProx.NONE);
    /** Unrolled dual projected gradient learning a step per layer ({@code stepchambolle}). */
    public static final TvNetworkKind STEP_CHAMBOLLE = new TvNetworkKind("step-chambolle", Family.CHAMBOLLE,
            SynthesisKind.STEP, 0, LearnProx.NONE);

    /** Checks the fields. */
    public TvNetworkKind {
        if (family == null || innerLayers < 0 || (family != Family.LPGD && innerLayers > 0)) {
            throw new InvalidArgumentException("a TV network kind needs a family; inner layers apply to LPGD-LISTA "
                    + "only and must be ≥ 0");
        }
        if ((family == Family.LPGD) != (parametrization == null)
                || (family == Family.CONDAT_VU && parametrization == SynthesisKind.LISTA)) {
            throw new InvalidArgumentException("parametrization " + parametrization + " does not apply to " + family);
        }
    }

    /** The synthesis parametrization, or null when the network is not a synthesis one. */
    public SynthesisKind synthesisKind() {
        return family == Family.SYNTHESIS ? parametrization : null;
    }

    /** LPGD-LISTA with {@code inner} unrolled prox layers ({@code origtv}). */
    public static TvNetworkKind lpgdLista(int inner, LearnProx learn) {
        if (inner < 1) {
            throw new InvalidArgumentException("LPGD-LISTA needs at least 1 inner layer, but " + inner + " were asked");
        }
        return new TvNetworkKind("lpgd-lista-" + learn.name().toLowerCase().replace('_', '-') + "-" + inner,
                Family.LPGD, null, inner, learn);
    }

    /** The kinds with fixed names. */
    public static List<TvNetworkKind> named() {
        return List.of(LISTA_SYNTHESIS, COUPLED_SYNTHESIS, STEP_SYNTHESIS, LPGD_TAUT, COUPLED_CONDAT_VU, STEP_CONDAT_VU,
                ORIG_CHAMBOLLE, COUPLED_CHAMBOLLE, STEP_CHAMBOLLE);
    }

    /** The kind called {@code id}: a fixed name, or lpgd-lista-{none|global|per-layer}-N. */
    public static TvNetworkKind fromId(String id) {
        for (TvNetworkKind k : named()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        if (id != null && id.startsWith("lpgd-lista-")) {
            String rest = id.substring("lpgd-lista-".length());
            int dash = rest.lastIndexOf('-');
            if (dash > 0) {
                try {
                    int inner = Integer.parseInt(rest.substring(dash + 1));
                    LearnProx learn = LearnProx.valueOf(rest.substring(0, dash).toUpperCase().replace('-', '_'));
                    return lpgdLista(inner, learn);
                } catch (IllegalArgumentException e) {
                    // fall through to the message below
                }
            }
        }
        throw new InvalidArgumentException("unknown TV network '" + id + "'; expected one of lista-synthesis, "
                + "coupled-synthesis, step-synthesis, lpgd-taut, lpgd-lista-{none|global|per-layer}-N, "
                + "coupled-condat-vu, step-condat-vu, orig-chambolle, coupled-chambolle, step-chambolle");
    }
}
