package dev.unroll.bench.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.unroll.bench.protocol.ProtocolBenchmark;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The campaign runner's command line (what {@code ./unroll bench --campaign FILE} runs, through
 * {@code bench/run.sh}):
 *
 * <pre>java -cp benchmarks.jar dev.unroll.bench.campaign.CampaignMain --campaign FILE [--out DIR | --out-root DIR]
 *      [--torch-script PATH] [--verbose] [--dry-run]</pre>
 *
 * <p>It reads and checks the campaign, runs it ({@link CampaignRunner}) and writes into the output folder
 * (default {@code <out-root>/campaign-<name>-<yyyyMMdd-HHmmss>}): {@code jmh-results.json} (raw JMH),
 * {@code results.csv}, {@code report.md}, {@code plots/*.png}, the PyTorch peer's
 * {@code torch-results.jsonl} when the campaign runs it, and a copy of the campaign file. Exit status: 0
 * when every configuration was measured or skipped on purpose, 1 when one failed, 2 for bad usage or a
 * campaign file that cannot run (with a one-line error).
 */
public final class CampaignMain {
    private CampaignMain() {
    }

    /** Runs the command line; see the class comment. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line without exiting: returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        Path outDir = null;
        Path outRoot = Path.of(".");
        Path torchScript = null;
        Path launcher = null;
        boolean verbose = false;
        boolean dryRun = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--campaign" -> file = Path.of(value(args, ++i, "--campaign"));
                    case "--out" -> outDir = Path.of(value(args, ++i, "--out"));
                    case "--out-root" -> outRoot = Path.of(value(args, ++i, "--out-root"));
                    case "--torch-script" -> torchScript = Path.of(value(args, ++i, "--torch-script"));
                    case "--unroll" -> launcher = Path.of(value(args, ++i, "--unroll"));
                    case "--verbose" -> verbose = true;
                    case "--dry-run" -> dryRun = true;
                    case "-h", "--help" -> {
                        out.println(usage());
                        return 0;
                    }
                    default -> throw new CampaignException("unknown argument '" + args[i] + "'\n" + usage());
                }
            }
            if (file == null) {
                throw new CampaignException("--campaign FILE is required\n" + usage());
            }
            Campaign campaign = CampaignFile.read(file);
            if (dryRun) {
                List<Configuration> configs = campaign.configurations();
                out.println("campaign " + campaign.name() + ": " + configs.size() + " configurations");
                configs.forEach(c -> out.println("  " + c.label() + "   [" + c.settings().describe() + "]"));
                if (campaign.protocol() != null) {
                    out.println("  then the line-search protocol: " + campaign.protocol());
                }
                return 0;
            }
            // Before any output exists: a typo in a backend's name leaves nothing behind.
            CampaignRunner.requireKnownTargets(campaign.configurations(), Target.survey());
            if (outDir == null) {
                String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now());
                outDir = outRoot.resolve("campaign-" + campaign.name() + "-" + stamp);
            }
            Files.createDirectories(outDir);
            Files.copy(file, outDir.resolve("campaign.json"), StandardCopyOption.REPLACE_EXISTING);
            CampaignResult result = new CampaignRunner(err, verbose).run(campaign, outDir, torchScript);
            String report = CampaignOutput.write(result, outDir);
            if (campaign.protocol() != null) {
                // After the JMH runs, so that it never shares the CPUs with a fork.
                report += ProtocolBenchmark.run(campaign.protocol(), outDir,
                        torchScript == null ? null : torchScript.toAbsolutePath().getParent(), launcher);
                Files.writeString(outDir.resolve("report.md"), report);
            }
            out.println();
            out.print(report);
            out.println("Written to " + outDir + ": jmh-results.json, results.csv, report.md, plots/");
            return result.outcomes().stream().anyMatch(o -> o.status() == Outcome.Status.FAILED) ? 1 : 0;
        } catch (CampaignException e) {
            err.println("campaign: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("campaign: cannot write the results: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new CampaignException(flag + " needs a value\n" + usage());
        }
        return args[i];
    }

    private static String usage() {
        return """
                usage: CampaignMain --campaign FILE [--out DIR | --out-root DIR] [--torch-script PATH] [--unroll PATH] [--verbose] [--dry-run]
                  --campaign FILE      the campaign (JSON; bench/README.md describes the format, bench/campaigns/ has examples)
                  --out DIR            write the results into DIR
                  --out-root DIR       write them into DIR/campaign-<name>-<timestamp> (default: the current folder)
                  --torch-script PATH  bench/peers/torch_unrolled.py, for campaigns that run the PyTorch peers (the
                                       line-search peer and torch_python.sh are looked up beside it)
                  --unroll PATH        the unroll launcher, for a protocol's "commands"
                  --verbose            also print JMH's own output
                  --dry-run            list the configurations and exit""";
    }
}
