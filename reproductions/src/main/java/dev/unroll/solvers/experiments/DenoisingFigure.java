package dev.unroll.solvers.experiments;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.NumpyRandom;
import dev.unroll.solvers.dictionary.DictionaryLearning;
import dev.unroll.solvers.dictionary.DlMethod;
import dev.unroll.solvers.dictionary.DlOptions;
import dev.unroll.solvers.dictionary.DlResult;
import dev.unroll.solvers.dictionary.LipschitzBound;
import dev.unroll.solvers.gradients.UnrolledAlgorithm;
import dev.unroll.solvers.gradients.UnrolledLassoLoss;
import dev.unroll.solvers.report.Csv;
import dev.unroll.solvers.report.LinePlot;
import dev.unroll.solvers.report.TextTable;
import java.io.IOException;
import java.util.Arrays;

/**
 * ICLR 2022 Fig 5, image denoising (PLIPY {@code experiments/optim_images.py}, docs/science.md §8): the shipped
 * 128×128 camera image (PLIPY: flowers) plus N(0, 0.1²) noise clipped to [0, 1], every 10×10 patch, a
 * dictionary learned by AM, DDL and DDL+step over N unrolled FISTA iterations (λ = 0.1, atoms initialised
 * from random patches), then the image rebuilt by averaging the patches D·z: psnr1 with the unrolled
 * encoder itself (learned steps included), psnr2 with a long FISTA re-encoding. Default: 100 atoms learned
 * on 2 000 random patches, N = 20, at most 60 outer iterations per phase, 300 re-encoding iterations;
 * {@code --full}: 128 atoms on all 14 161 patches, N ∈ {5, 10, 20, 50}, 1 000 re-encoding iterations.
 */
final class DenoisingFigure implements Experiment {

    @Override
    public String name() {
        return "iclr2022-denoise";
    }

    @Override
    public String description() {
        return "ICLR 2022 Fig 5: denoising the camera image with a dictionary learned by AM, DDL and DDL+step (PSNR)";
    }

    @Override
    public void run(ExperimentContext ctx) throws IOException {
        boolean full = ctx.full();
        int atoms = full ? 128 : 100;
        int patchSize = 10;
        int[] ns = full ? new int[]{5, 10, 20, 50} : new int[]{20};
        int reencode = full ? 1000 : 300;
        NumpyRandom rng = new NumpyRandom(2022);
        GrayImage clean = GrayImage.camera();
        GrayImage noisy = clean.withNoise(0.1, rng, true);
        HostMatrix all = noisy.patches(patchSize);
        HostMatrix train = full ? all : sample(all, 2000, rng);
        HostMatrix init = sample(all, atoms, rng);
        double noisyPsnr = noisy.psnr(clean);
        Csv csv = new Csv("method", "N", "psnr_unrolled", "psnr_fista", "final_loss", "outer_iterations");
        TextTable table = new TextTable("method", "N", "PSNR noisy", "PSNR D·z_N", "PSNR D·z (FISTA " + reencode + ")",
                "final loss", "outer iterations");
        double[][] psnr1 = new double[3][ns.length];
        double[][] psnr2 = new double[3][ns.length];
        DlMethod[] methods = DlMethod.values();
        for (int i = 0; i < ns.length; i++) {
            for (int k = 0; k < methods.length; k++) {
                DlOptions o = DlOptions.plipy(methods[k], ns[i]).withMaxIterations(full ? 10_000 : 60);
                DlResult r = DictionaryLearning.fit(ctx.backend(), train, init, o);
                double[] alphas = alphas(r, o);
                GrayImage rec1 = reconstruct(ctx.backend(), r.dictionary(), all, o.iterations(), alphas, noisy);
                double l = Spectral.lipschitz(r.dictionary().values(), r.dictionary().rows(), atoms);
                double[] plain = new double[reencode];
                Arrays.fill(plain, 1 / l);
                GrayImage rec2 = reconstruct(ctx.backend(), r.dictionary(), all, reencode, plain, noisy);
                psnr1[k][i] = rec1.psnr(clean);
                psnr2[k][i] = rec2.psnr(clean);
                table.row(methods[k], ns[i], noisyPsnr, psnr1[k][i], psnr2[k][i], r.finalLoss(), r.outerIterations());
                csv.rowOf(methods[k], ns[i], psnr1[k][i], psnr2[k][i], r.finalLoss(), r.outerIterations());
                ctx.log(methods[k] + " N=" + ns[i] + ": PSNR " + String.format("%.2f / %.2f dB", psnr1[k][i],
                        psnr2[k][i]));
            }
        }
        ctx.print("ICLR 2022 Fig 5 — denoising the 128×128 camera image, σ = 0.1, " + atoms + " atoms of 10×10, "
                + train.cols() + " training patches", table);
        ctx.out().println("Paper: numbers not extracted; the talk's caption: \"no need to unroll too many iterations\" "
                + "(the learned dictionary denoises well at small N).");
        ctx.write("iclr2022_denoise.csv", csv);
        LinePlot plot = new LinePlot().title("ICLR 2022 Fig 5 — PSNR of the denoised image").xLabel("N")
                .yLabel("PSNR (dB)").logX(ns.length > 1);
        for (int k = 0; k < methods.length; k++) {
            plot.series(methods[k] + " (D·z_N)", GradientFits.toDoubles(ns), psnr1[k]);
            plot.series(methods[k] + " (FISTA)", GradientFits.toDoubles(ns), psnr2[k]);
        }
        plot.horizontalLine(noisyPsnr, "noisy");
        ctx.write("iclr2022_denoise.png", plot);
    }

    private static double[] alphas(DlResult r, DlOptions o) {
        double l = LipschitzBound.FROBENIUS.of(r.dictionary());
        double[] a = new double[o.iterations()];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.steps()[i] / l;
        }
        return a;
    }

    /** Encodes every patch with {@code iterations} FISTA steps {@code alphas} and averages the patches D·z. */
    private static GrayImage reconstruct(Backend be, HostMatrix d, HostMatrix patches, int iterations, double[] alphas,
                                         GrayImage shape) {
        int n = d.rows();
        int m = d.cols();
        int chunk = 4096;
        double[] out = new double[patches.values().length];
        try (UnrolledLassoLoss enc = UnrolledLassoLoss.create(be, DType.F64, UnrolledAlgorithm.FISTA, n, m, chunk,
                iterations, 0);
             Matrix dm = Uploads.upload(be, DType.F64, d);
             Matrix xm = be.allocate(DType.F64, n, chunk);
             Matrix rec = be.allocate(DType.F64, n, chunk)) {
            for (int from = 0; from < patches.cols(); from += chunk) {
                int count = Math.min(chunk, patches.cols() - from);
                Matrix x = xm.columns(0, count);
                Uploads.write(be, patches.columns(from, from + count), x);
                enc.value(dm, x, 0.1, alphas);
                Matrix r = rec.columns(0, count);
                be.gemm(1, dm, enc.codes(), 0, r);
                System.arraycopy(be.toDoubleArray(r), 0, out, from * n, count * n);
            }
        }
        int size = (int) Math.round(Math.sqrt(n));
        return GrayImage.fromPatches(new HostMatrix(n, patches.cols(), out), size, shape.height(), shape.width());
    }

    /** {@code count} columns drawn uniformly with replacement ({@code np.random.choice}). */
    private static HostMatrix sample(HostMatrix all, int count, NumpyRandom rng) {
        int n = all.rows();
        double[] out = new double[n * count];
        for (int j = 0; j < count; j++) {
            int c = (int) rng.nextInterval(all.cols() - 1);
            System.arraycopy(all.values(), c * n, out, j * n, n);
        }
        return new HostMatrix(n, count, out);
    }
}
