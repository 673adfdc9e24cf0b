package dev.unroll.solvers.tv;

import dev.unroll.engine.InvalidArgumentException;
import java.util.List;

/**
 * The TV networks of docs/science.md §9 that {@link TvNetwork} builds, by the names the command line and
 * the experiments use.
 *
 * @param id            the name, e.g. {@code lpgd-taut}
 * @param synthesisKind the synthesis parametrization, or null for the analysis (LPGD) networks
 * @param innerLayers   LPGD-LISTA's unrolled inner prox depth; 0 for the exact taut-string prox
 * @param learnProx     whether and how LPGD-LISTA's inner prox is learned
 */
public record TvNetworkKind(String id, SynthesisKind synthesisKind, int innerLayers, LearnProx learnProx) {
    /** How LPGD-LISTA's inner network is trained. */
    public enum LearnProx { NONE, GLOBAL, PER_LAYER }

    /** Synthesis LISTA (W_z, W_x, θ per layer; CARPET {@code origista}). */
    public static final TvNetworkKind LISTA_SYNTHESIS = new TvNetworkKind("lista-synthesis",
            SynthesisKind.LISTA, 0, LearnProx.NONE);
    /** Synthesis LISTA-CP (W, θ per layer; {@code coupledista}, the paper's "Synthesis LISTA"). */
    public static final TvNetworkKind COUPLED_SYNTHESIS = new TvNetworkKind("coupled-synthesis",
            SynthesisKind.COUPLED, 0, LearnProx.NONE);
    /** Synthesis step-LISTA (α per layer; {@code stepista}). */
    public static final TvNetworkKind STEP_SYNTHESIS = new TvNetworkKind("step-synthesis",
            SynthesisKind.STEP, 0, LearnProx.NONE);
    /** LPGD with the exact taut-string prox and its implicit backward ({@code lpgd_taut_string}). */
    public static final TvNetworkKind LPGD_TAUT = new TvNetworkKind("lpgd-taut", null, 0, LearnProx.NONE);

    /** Checks the fields. */
    public TvNetworkKind {
        if (innerLayers < 0 || (synthesisKind != null && innerLayers > 0)) {
            throw new InvalidArgumentException("inner layers apply to LPGD-LISTA only and must be ≥ 0");
        }
    }

    /** LPGD-LISTA with {@code inner} unrolled prox layers ({@code origtv}). */
    public static TvNetworkKind lpgdLista(int inner, LearnProx learn) {
        if (inner < 1) {
            throw new InvalidArgumentException("LPGD-LISTA needs at least 1 inner layer, but " + inner + " were asked");
        }
        return new TvNetworkKind("lpgd-lista-" + learn.name().toLowerCase().replace('_', '-') + "-" + inner, null,
                inner, learn);
    }

    /** The kinds with fixed names. */
    public static List<TvNetworkKind> named() {
        return List.of(LISTA_SYNTHESIS, COUPLED_SYNTHESIS, STEP_SYNTHESIS, LPGD_TAUT);
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
                + "coupled-synthesis, step-synthesis, lpgd-taut, lpgd-lista-{none|global|per-layer}-N");
    }
}
