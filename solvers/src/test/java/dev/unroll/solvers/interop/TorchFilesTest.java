package dev.unroll.solvers.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.ParamKind;
import dev.unroll.engine.Parametrization;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.LassoProblem;
import dev.unroll.solvers.Uploads;
import dev.unroll.solvers.data.CodingData;
import dev.unroll.solvers.data.Generators;
import dev.unroll.solvers.io.ColumnMajorF64;
import dev.unroll.solvers.io.ModelFileException;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.Tensor;
import dev.unroll.solvers.network.UnrolledNetwork;
import dev.unroll.tck.support.TckBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PyTorch state dicts in ADOPTY's layout: an exported network reads back bit for bit; PyTorch's
 * {@code torch.load} reads the file and ADOPTY's forward, written in torch, gives Unroll's codes; files that
 * are not state dicts of tensors are refused without running anything.
 */
class TorchFilesTest {
    private static Backend be;
    private static CodingData data;
    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        be = TckBackend.open();
        data = Generators.simulated(40, 8, 5, 20, 13); // n = 5, m = 8
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"LISTA,F64", "COUPLED,F32", "ALISTA,F64", "STEP,F32", "FIRST_STEP,F64", "LISTA,F32", "ALISTA,F32"})
    void roundTripKeepsEveryParameterToTheLastBit(Parametrization par, DType dtype) throws Exception {
        Path file = dir.resolve("net.pt");
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.2);
             UnrolledNetwork net = TestNetworks.perturbed(p, par, 3, 3)) {
            TorchFiles.write(file, AdoptyStateDict.of(net));
            SequencedMap<String, Tensor> read = TorchFiles.read(file);
            assertEquals(List.copyOf(AdoptyStateDict.of(net).keySet()), List.copyOf(read.keySet()));
            assertEquals(dtype, AdoptyStateDict.dtype(read, "t"));
            try (UnrolledNetwork back = AdoptyStateDict.network(p, par, read, net.analyticWeights(),
                    AdoptyStateDict.Names.CURRENT, file.toString())) {
                for (int t = 0; t < 3; t++) {
                    for (ParamKind kind : par.layout(t)) {
                        assertArrayEquals(net.parameter(t, kind).values(), back.parameter(t, kind).values(),
                                "layer " + t + " " + kind);
                    }
                }
            }
        }
    }

    @Test
    void keysAndShapesAreAdoptys() throws Exception {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork lista = UnrolledNetwork.create(p, Parametrization.LISTA, 2);
             UnrolledNetwork first = UnrolledNetwork.create(p, Parametrization.FIRST_STEP, 2)) {
            assertEquals("{layer0-threshold=[8], layer0-Wz=[8, 8], layer0-Wx=[5, 8], layer1-threshold=[8], "
                    + "layer1-Wz=[8, 8], layer1-Wx=[5, 8]}", shapes(AdoptyStateDict.of(lista)));
            assertEquals("{layer0-threshold=[], layer0-W_coupled=[5, 8], layer1-step_size=[]}",
                    shapes(AdoptyStateDict.of(first)));
            // ADOPTY's ISTA initialisation: Wz = I − B/L with B = D_rowᵀ… in its row convention, Wx = D_row.T / L.
            double l = p.lipschitz();
            Tensor wx = AdoptyStateDict.of(lista).get("layer0-Wx");
            HostMatrix d = p.hostDictionary();
            assertEquals(d.get(3, 2) / l, wx.doubles()[3 * 8 + 2], 1e-15); // Wx[i][k] = D_row[k][i] / L = D[i][k] / L
        }
    }

    @Test
    void legacyNamesSwapListasMatrices() throws Exception {
        try (LassoProblem p = LassoProblem.create(be, DType.F64, data.dictionary(), 0.2);
             UnrolledNetwork net = TestNetworks.perturbed(p, Parametrization.LISTA, 2, 1)) {
            Map<String, Tensor> legacy = new LinkedHashMap<>();
            AdoptyStateDict.of(net).forEach((k, v) -> legacy.put(
                    k.endsWith("-Wz") ? k.replace("-Wz", "-Wx") : k.endsWith("-Wx") ? k.replace("-Wx", "-Wz") : k, v));
            try (UnrolledNetwork back = AdoptyStateDict.network(p, Parametrization.LISTA, legacy, null,
                    AdoptyStateDict.Names.LEGACY, "legacy")) {
                assertArrayEquals(net.parameter(1, ParamKind.W_Z).values(), back.parameter(1, ParamKind.W_Z).values());
            }
            ModelFileException e = assertThrows(ModelFileException.class, () -> AdoptyStateDict.network(p,
                    Parametrization.LISTA, legacy, null, AdoptyStateDict.Names.CURRENT, "legacy"));
            assertTrue(e.getMessage().contains("'layer0-Wz' has shape [5, 8]"), e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNotAStateDictOfTensors() throws Exception {
        Path notZip = dir.resolve("a.pt");
        Files.writeString(notZip, "hello");
        assertTrue(assertThrows(ModelFileException.class, () -> TorchFiles.read(notZip)).getMessage()
                .contains("not a torch.save file"));
        // A pickle that would run os.system('true') if it were executed.
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.write(0x80);
        pkl.write(2);
        pkl.writeBytes("cos\nsystem\nX\u0004\u0000\u0000\u0000true\u0085R.".getBytes(StandardCharsets.ISO_8859_1));
        StoredZip zip = new StoredZip();
        zip.add("archive/data.pkl", pkl.toByteArray());
        zip.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        Path evil = dir.resolve("evil.pt");
        try (var out = Files.newOutputStream(evil)) {
            zip.writeTo(out);
        }
        String message = assertThrows(ModelFileException.class, () -> TorchFiles.read(evil)).getMessage();
        assertTrue(message.contains("os.system") && message.contains("never executes"), message);
    }

    @ParameterizedTest
    @CsvSource({"LISTA,F64", "COUPLED,F64", "ALISTA,F64", "STEP,F64", "FIRST_STEP,F64", "COUPLED,F32", "STEP,F32"})
    void torchLoadsTheFileAndAdoptysForwardGivesUnrollsCodes(Parametrization par, DType dtype) throws Exception {
        TorchPython.require();
        Path pt = dir.resolve("net.pt");
        int b = 6;
        HostMatrix x = data.signals().columns(0, b);
        String expectedShapes;
        try (LassoProblem p = LassoProblem.create(be, dtype, data.dictionary(), 0.2);
             UnrolledNetwork net = TestNetworks.perturbed(p, par, 4, 9)) {
            SequencedMap<String, Tensor> sd = AdoptyStateDict.of(net);
            TorchFiles.write(pt, sd);
            expectedShapes = shapes(sd);
            HostMatrix d = p.hostDictionary();
            Npy.write(dir.resolve("D.npy"), new ColumnMajorF64(d.cols(), d.rows(), d.transpose().values())); // (m, n)
            HostMatrix w = net.analyticWeights() != null ? net.analyticWeights() : d;
            Npy.write(dir.resolve("W.npy"), new ColumnMajorF64(w.rows(), w.cols(), w.values())); // (n, m)
            Npy.write(dir.resolve("x.npy"), new ColumnMajorF64(b, x.rows(), x.transpose().values())); // (b, n)
            try (Matrix xm = p.uploadSignals(x); Matrix z = net.encode(xm)) {
                HostMatrix zh = Uploads.download(be, z); // m×b
                Npy.write(dir.resolve("z.npy"), new ColumnMajorF64(b, zh.rows(), zh.transpose().values()));
            }
        }
        String out = TorchPython.run(dir, ADOPTY_FORWARD, dir.toString(), par.id(), "0.2");
        List<String> lines = out.lines().toList();
        assertEquals("{" + expectedShapes.substring(1, expectedShapes.length() - 1) + "}",
                lines.get(0).replace("'", ""), out);
        assertTrue(lines.get(1).startsWith("dtype torch.float" + (dtype == DType.F64 ? "64" : "32")), out);
        double diff = Double.parseDouble(lines.get(2).substring("max-diff ".length()));
        assertTrue(diff <= (dtype == DType.F64 ? 1e-12 : 2e-6), par + " " + dtype + ": ADOPTY's forward in torch differs "
                + "from Unroll's encode by " + diff + "\n" + out);
        assertTrue(Integer.parseInt(lines.get(3).substring("nonzero ".length())) > 0, out);
        SequencedMap<String, Tensor> back = TorchFiles.read(dir.resolve("back.pt"));
        SequencedMap<String, Tensor> sent = TorchFiles.read(pt);
        assertEquals(sent, back, "torch.save's own file of the same parameters reads back the same");
    }

    /** ADOPTY's Lista.forward (adopty/lista.py, final revision), for the parameters torch.load reads. */
    private static final String ADOPTY_FORWARD = """
            import sys, numpy as np, torch
            d, par, lmbd = sys.argv[1], sys.argv[2], float(sys.argv[3])
            sd = torch.load(d + "/net.pt", weights_only=True)
            print("{" + ", ".join(f"{k}=[{', '.join(str(s) for s in v.shape)}]" for k, v in sd.items()) + "}")
            dtype = next(iter(sd.values())).dtype
            print("dtype", dtype)
            D = torch.from_numpy(np.load(d + "/D.npy")).to(dtype)      # ADOPTY's D, (n_atoms, n_dim)
            W = torch.from_numpy(np.load(d + "/W.npy")).to(dtype)      # alista: Lista.W = get_alista_weights(D).T
            x = torch.from_numpy(np.load(d + "/x.npy")).to(dtype)
            L = np.linalg.norm(np.load(d + "/D.npy") @ np.load(d + "/D.npy").T, ord=2)
            layers = 1 + max(int(k.split("-")[0][len("layer"):]) for k in sd)
            z = None
            for t in range(layers):
                p = {k.split("-", 1)[1]: v for k, v in sd.items() if k.startswith(f"layer{t}-")}
                th = p["threshold"] if "threshold" in p else p.get("step_size", 1 / L)
                step = p.get("step_size", 1.)
                if par == "lista":
                    z = x.matmul(p["Wx"]) if z is None else z.matmul(p["Wz"]) + x.matmul(p["Wx"])
                else:
                    Wl = p["W_coupled"] if "W_coupled" in p else W if par == "alista" else D.t()
                    Wl = Wl * step
                    z = x.matmul(Wl) if z is None else z - (z.matmul(D) - x).matmul(Wl)
                z = z.sign() * torch.relu(z.abs() - lmbd * th)
            expected = np.load(d + "/z.npy")
            print("max-diff", float(np.abs(z.double().numpy() - expected).max()))
            print("nonzero", int((expected != 0).sum()))
            # The way back: PyTorch's own writer (memo, the state dict's _metadata), read by Unroll.
            module = torch.nn.Module()
            for k, v in sd.items():
                module.register_parameter(k, torch.nn.Parameter(v.clone()))
            torch.save(module.state_dict(), d + "/back.pt")
            """;

    private static String shapes(Map<String, Tensor> sd) {
        Map<String, String> s = new LinkedHashMap<>();
        sd.forEach((k, v) -> s.put(k, java.util.Arrays.toString(v.shape())));
        return s.toString();
    }
}
