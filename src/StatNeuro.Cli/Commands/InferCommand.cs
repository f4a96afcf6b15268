using System.CommandLine;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Cli.Commands;

/// <summary>
/// <c>statneuro infer</c>: the group of model-fitting commands. Each subcommand lives in its own class with a
/// <c>Create(CliContext)</c> method and is added here with one line (e.g. <c>InferKineticCommand.Create(cli)</c>).
/// </summary>
internal static class InferCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("infer", "Fit models to binary rasters.");
        command.Subcommands.Add(InferIsingCommand.Create(cli));
        command.Subcommands.Add(InferKineticCommand.Create(cli));
        return command;
    }
}

/// <summary><c>statneuro infer ising --data F --method exact|bm|mch|newton|plm|nmf|tap|ip|sm --out DIR</c>.</summary>
internal static class InferIsingCommand
{
    private static readonly string[] s_methods = ["exact", "bm", "mch", "newton", "plm", "nmf", "tap", "ip", "sm"];

    public static Command Create(CliContext cli)
    {
        var command = new Command("ising", "Fit an equilibrium pairwise Ising model (±1 spins) to a binary raster; writes h.csv, J.csv, model.json.");
        var common = new CommonOptions("ising-model");
        var raster = new RasterOptions();
        var method = new Option<string>("--method") { Description = "exact (N <= 25), bm (Boltzmann learning: exact for N <= 20, else mch), mch (Monte Carlo histogram reweighting, any N; best for sparse data), newton (Boltzmann learning by Fisher-Newton steps from a PLM start; dense models, N up to 214; not for sparse data such as the retina), plm, nmf, tap, ip, sm.", DefaultValueFactory = _ => "plm" };
        var l2 = new Option<double>("--l2") { Description = "L2 penalty on J (per sample); default 1e-5 for plm, 0 otherwise.", DefaultValueFactory = _ => double.NaN };
        var tolerance = new Option<double>("--tolerance") { Description = "Gradient-norm tolerance (exact: 1e-8, plm: 1e-4).", DefaultValueFactory = _ => double.NaN };
        var maxIter = new Option<int>("--max-iterations") { Description = "Iteration limit (default per method)." };
        var split = new Option<string>("--test") { Description = "Held-out data: none, odd-repeats (needs --segment-length), last-block.", DefaultValueFactory = _ => "none" };
        command.Options.Add(method);
        command.Options.Add(l2);
        command.Options.Add(tolerance);
        command.Options.Add(maxIter);
        var targetZ = new Option<double>("--target-z") { Description = "bm/mch/newton: stop when the RMS z-scores of means and pair moments (in units of the data's repeat/block standard errors) are at most this.", DefaultValueFactory = _ => 0.5 };
        var mcSamples = new Option<int>("--mc-samples") { Description = "bm/mch/newton: Monte Carlo samples per chain in the final rounds (32 chains).", DefaultValueFactory = _ => 40_000 };
        command.Options.Add(split);
        command.Options.Add(targetZ);
        command.Options.Add(mcSamples);
        raster.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "infer ising", run =>
        {
            string m = (parse.GetValue(method) ?? "plm").ToLowerInvariant();
            if (!s_methods.Contains(m))
            {
                throw new CliUsageException($"--method '{m}': choose one of {string.Join(", ", s_methods)}.");
            }

            double l2Value = parse.GetValue(l2);
            if (!double.IsNaN(l2Value) && (l2Value < 0 || !double.IsFinite(l2Value)))
            {
                throw new CliUsageException($"--l2 {l2Value}: must be a finite number >= 0.");
            }

            double tol = parse.GetValue(tolerance);
            if (!double.IsNaN(tol) && !(tol > 0))
            {
                throw new CliUsageException($"--tolerance {tol}: must be > 0.");
            }

            int iterations = parse.GetValue(maxIter);
            if (iterations < 0)
            {
                throw new CliUsageException($"--max-iterations {iterations}: must be >= 0.");
            }

            double zTarget = parse.GetValue(targetZ);
            if (!(zTarget > 0) || !double.IsFinite(zTarget))
            {
                throw new CliUsageException($"--target-z {zTarget}: must be a finite number > 0.");
            }

            int mcPerChain = parse.GetValue(mcSamples);
            if (mcPerChain < 100)
            {
                throw new CliUsageException($"--mc-samples {mcPerChain}: must be >= 100.");
            }

            string testMode = parse.GetValue(split) ?? "none";
            SpinRaster data = raster.Load(parse);
            SpinRaster train = data;
            SpinRaster? test = null;
            switch (testMode)
            {
                case "none":
                    break;
                case "odd-repeats":
                    if (data.SegmentCount < 2)
                    {
                        throw new CliUsageException("--test odd-repeats needs at least two repeats: set --segment-length.");
                    }

                    (train, test) = data.SplitByRepeat();
                    break;
                case "last-block":
                    (train, test) = data.SplitByBlock(5, 4);
                    break;
                default:
                    throw new CliUsageException($"--test '{testMode}': use none, odd-repeats or last-block.");
            }

            int n = data.NeuronCount;
            if (m == "exact" && n > ExactEnumeration.MaxSize)
            {
                throw new CliUsageException($"--method exact: N = {n} is too large for exact enumeration (at most {ExactEnumeration.MaxSize}); use plm or bm, or pick fewer cells with --neurons.");
            }

            if (m == "newton" && n > FisherInformation.MaxSpins)
            {
                int p = FisherInformation.ParameterCount(n);
                throw new CliUsageException($"--method newton: N = {n} needs a {p} x {p} Fisher matrix ({(double)p * p * 8 / (1L << 30):F1} GiB; at most N = {FisherInformation.MaxSpins}); use plm or mch, or pick fewer cells with --neurons.");
            }

            HistogramReweightingSettings McSettings() => new()
            {
                TargetRmsZ = zTarget,
                MaxSamplesPerChain = mcPerChain,
                InitialSamplesPerChain = Math.Min(1000, mcPerChain),
                MaxRounds = iterations > 0 ? iterations : 40,
                MaxThreads = run.Threads,
            };

            run.Progress($"fitting {m} to {train.TimeBins} samples x {n} neurons ...");
            FitResult<IsingModel> fit = m switch
            {
                "exact" => ExactMaximumLikelihood.Fit(train, new ExactLikelihoodSettings
                {
                    L2 = double.IsNaN(l2Value) ? 0 : l2Value,
                    GradientTolerance = double.IsNaN(tol) ? 1e-8 : tol,
                    MaxIterations = iterations > 0 ? iterations : 2000,
                }),
                "plm" => PseudoLikelihood.Fit(train, new PseudoLikelihoodSettings
                {
                    L2 = double.IsNaN(l2Value) ? 1e-5 : l2Value,
                    GradientTolerance = double.IsNaN(tol) ? 1e-4 : tol,
                    MaxIterations = iterations > 0 ? iterations : 500,
                    MaxThreads = run.Threads,
                }),
                "bm" => BoltzmannLearning.Fit(train, new BoltzmannLearningSettings
                {
                    L2 = double.IsNaN(l2Value) ? 0 : l2Value,
                    MonteCarlo = McSettings(),
                }, run.Seed, progress: run.Progress),
                "newton" => FisherNewtonLearning.Fit(train, new FisherNewtonSettings
                {
                    L2 = double.IsNaN(l2Value) ? 0 : l2Value,
                    TargetRmsZ = zTarget,
                    MaxSamples = 32 * mcPerChain,
                    InitialSamples = Math.Min(32 * mcPerChain, Math.Max(100_000, 4 * FisherInformation.ParameterCount(n))),
                    MaxRounds = iterations > 0 ? iterations : 16,
                    MaxThreads = run.Threads,
                }, run.Seed, progress: run.Progress),
                "mch" => HistogramReweighting.Fit(train, McSettings() with { L2 = double.IsNaN(l2Value) ? 0 : l2Value }, run.Seed, progress: run.Progress),
                "nmf" => MeanFieldInversion.Fit(train, MeanFieldMethod.NaiveMeanField),
                "tap" => MeanFieldInversion.Fit(train, MeanFieldMethod.Tap),
                "ip" => MeanFieldInversion.Fit(train, MeanFieldMethod.IndependentPair),
                _ => MeanFieldInversion.Fit(train, MeanFieldMethod.SessakMonasson),
            };

            var fitInfo = new JsonObject
            {
                ["method"] = m,
                ["converged"] = fit.Converged,
                ["iterations"] = fit.Iterations,
                ["training_samples"] = train.TimeBins,
            };
            foreach (KeyValuePair<string, double> kv in fit.Notes)
            {
                fitInfo[kv.Key] = Summary.ToNode(kv.Value);
            }

            ModelFolder.Write(run.PathFor, fit.Model, fitInfo);
            Tables.WriteCsv(run.PathFor("trace.csv"), ["iteration", "objective", "gradient_norm", "seconds"],
                [fit.Trace.Select(t => (double)t.Iteration).ToList(), fit.Trace.Select(t => t.Objective).ToList(), fit.Trace.Select(t => t.GradientNorm).ToList(), fit.Trace.Select(t => t.Seconds).ToList()]);

            run.Summary["data"] = parse.GetValue(raster.Data);
            run.Summary["method"] = m;
            run.Summary["n"] = n;
            run.Summary["samples"] = train.TimeBins;
            run.Summary["converged"] = fit.Converged;
            run.Summary["iterations"] = fit.Iterations;
            foreach (KeyValuePair<string, double> kv in fit.Notes)
            {
                run.Summary[kv.Key] = kv.Value;
            }

            if (n <= 22)
            {
                double logZ = ExactEnumeration.Compute(fit.Model).LogPartition;
                run.Summary["log_partition"] = logZ;
                run.Summary["log_likelihood"] = ModelEvaluation.LogLikelihood(fit.Model, logZ, train);
                run.Summary["independent_log_likelihood"] = ModelEvaluation.IndependentLogLikelihood(train.Means(), train.TimeBins, train);
                if (test is not null)
                {
                    run.Summary["test_log_likelihood"] = ModelEvaluation.LogLikelihood(fit.Model, logZ, test);
                    run.Summary["test_independent_log_likelihood"] = ModelEvaluation.IndependentLogLikelihood(train.Means(), train.TimeBins, test);
                }
            }

            else
            {
                // log Z by annealed importance sampling along the 0/1 path (checked against enumeration at N = 20).
                // For sparse models the low-activity estimator Z = Σ_{K≤3} w / P(K≤3) is usually far more precise; the
                // estimate with the smaller standard error is used and both are reported.
                run.Progress("estimating log Z (annealed importance sampling, low-activity estimator) ...");
                Estimate ais = ModelEvaluation.LogPartition(fit.Model, run.Seed + 1);
                var check = new MarkovChains(fit.Model, 32, run.Seed + 2);
                Estimate low = PartitionFunctionEstimator.LowActivity(fit.Model, BinaryPatterns.SampleChains(check, 20_000, 1000, 1, run.Threads), Math.Min(3, n));
                bool useLow = low.StandardError < ais.StandardError;
                Estimate logZ = useLow ? low : ais;
                run.Summary["log_partition"] = logZ.Value;
                run.Summary["log_partition_standard_error"] = logZ.StandardError;
                run.Summary["log_partition_method"] = useLow ? "low-activity" : "ais";
                run.Summary["log_partition_ais"] = ais.Value;
                run.Summary["log_partition_ais_standard_error"] = ais.StandardError;
                run.Summary["log_partition_low_activity"] = low.Value;
                run.Summary["log_partition_low_activity_standard_error"] = low.StandardError;
                double[] trainMeans = train.Means();
                var onTrain = ModelEvaluation.HeldOut(fit.Model, logZ, trainMeans, train.TimeBins, train);
                run.Summary["log_likelihood"] = onTrain.Pairwise;
                run.Summary["independent_log_likelihood"] = onTrain.Independent;
                if (test is not null)
                {
                    var held = ModelEvaluation.HeldOut(fit.Model, logZ, trainMeans, train.TimeBins, test);
                    run.Summary["test_log_likelihood"] = held.Pairwise;
                    run.Summary["test_independent_log_likelihood"] = held.Independent;
                    run.Summary["test_log_likelihood_gain"] = held.Difference;
                    run.Summary["test_log_likelihood_gain_standard_error"] = held.StandardError;
                    run.Say($"held-out log-likelihood per bin: pairwise {held.Pairwise:F4} vs independent {held.Independent:F4} (gain {held.Difference:F4} ± {held.StandardError:F4} nats/bin).");
                }
            }

            run.Say($"{m}: N = {n}, M = {train.TimeBins}, converged = {fit.Converged} after {fit.Iterations} iterations.");
        }));
        return command;
    }
}
