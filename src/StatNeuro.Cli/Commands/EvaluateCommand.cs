using System.CommandLine;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro evaluate --data F --model DIR</c>: log-likelihood per sample, moments, P(K) and triplets of a fitted Ising model on data.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("evaluate", "Evaluate a fitted Ising model on a raster: log-likelihood per sample vs the independent model, means, correlations, P(K); for a kinetic model (from 'infer kinetic') the log-likelihood per transition and the lag-1 correlations D_ij(1) of the simulated model vs the data.");
        var common = new CommonOptions("evaluation");
        var raster = new RasterOptions();
        var model = new Option<string>("--model") { Description = "Model folder (h.csv, J.csv) from 'infer ising' or 'infer kinetic' (told apart by its model.json)." };
        var samples = new Option<int>("--mc-samples") { Description = "Monte Carlo samples per chain for model statistics (8 chains).", DefaultValueFactory = _ => 20_000 };
        command.Options.Add(model);
        command.Options.Add(samples);
        raster.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "evaluate", run =>
        {
            string folder = parse.GetValue(model) ?? throw new CliUsageException("--model is required: a folder with h.csv and J.csv.");
            int mc = parse.GetValue(samples);
            if (mc < 100)
            {
                throw new CliUsageException($"--mc-samples {mc}: must be >= 100.");
            }

            if (IsKinetic(folder))
            {
                EvaluateKinetic(run, KineticSampleCommand.Read(folder), raster.Load(parse), parse.GetValue(raster.Data));
                return;
            }

            IsingModel m = ModelFolder.Read(folder);
            SpinRaster data = raster.Load(parse);
            if (data.NeuronCount != m.Size)
            {
                throw new CliUsageException($"--data has {data.NeuronCount} neurons but the model has N = {m.Size}; select the same cells with --neurons.");
            }

            Estimate logZ = ModelEvaluation.LogPartition(m, run.Seed);
            double ll = ModelEvaluation.LogLikelihood(m, logZ.Value, data);
            double[] means = data.Means();
            run.Summary["data"] = parse.GetValue(raster.Data);
            run.Summary["n"] = m.Size;
            run.Summary["samples"] = data.TimeBins;
            run.Summary["log_partition"] = logZ.Value;
            run.Summary["log_partition_standard_error"] = logZ.StandardError;
            run.Summary["log_likelihood"] = ll;
            run.Summary["log_likelihood_standard_error"] = logZ.StandardError;
            run.Summary["independent_log_likelihood"] = ModelEvaluation.IndependentLogLikelihood(means, data.TimeBins, data);

            // Burn-in and thinning from a pilot run (slow, strongly coupled models need far more than a fixed 500 sweeps).
            SamplerTuning tuning = IsingSampler.Tune(m, SamplerKind.HeatBath, 8, run.Seed + 0x9E37, 2000, run.Threads);
            run.Summary["mc_burn_in"] = tuning.BurnInSweeps;
            run.Summary["mc_thin"] = tuning.SweepsPerSample;
            run.Summary["mc_autocorrelation_sweeps"] = tuning.AutocorrelationSweeps;
            SampleSet set = IsingSampler.Sample(m, new SamplerSettings { Kind = SamplerKind.HeatBath, Chains = 8, BurnInSweeps = tuning.BurnInSweeps, SweepsPerSample = tuning.SweepsPerSample, SamplesPerChain = mc }, run.Seed, run.Threads);
            double[] modelMeans = set.Samples.Means();
            double[] cData = data.ConnectedCorrelations(), cModel = set.Samples.ConnectedCorrelations();
            double[] pData = data.UpCountDistribution(), pModel = set.Samples.UpCountDistribution();
            int n = m.Size;
            var iIdx = new List<double>();
            var jIdx = new List<double>();
            var cd = new List<double>();
            var cm = new List<double>();
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    iIdx.Add(i);
                    jIdx.Add(j);
                    cd.Add(cData[i * n + j]);
                    cm.Add(cModel[i * n + j]);
                }
            }

            Tables.WriteCsv(run.PathFor("means.csv"), ["neuron", "data", "model"], [Enumerable.Range(0, n).Select(i => (double)i).ToList(), means, modelMeans]);
            Tables.WriteCsv(run.PathFor("correlations.csv"), ["i", "j", "data", "model"], [iIdx, jIdx, cd, cm]);
            Tables.WriteCsv(run.PathFor("p_k.csv"), ["k", "data", "model"], [Enumerable.Range(0, n + 1).Select(k => (double)k).ToList(), pData, pModel]);
            run.Summary["rms_mean_error"] = Math.Sqrt(means.Zip(modelMeans, (a, b) => (a - b) * (a - b)).Average());
            run.Summary["rms_correlation_error"] = Math.Sqrt(cd.Zip(cm, (a, b) => (a - b) * (a - b)).Average());
            run.Summary["energy_r_hat"] = set.Diagnostics.EnergyRHat;
            run.Say($"log-likelihood per sample {ll:F5} nats (independent model {run.Summary.Root["independent_log_likelihood"]}).");
        }));
        return command;
    }

    private static bool IsKinetic(string folder)
    {
        string path = Path.Combine(folder, "model.json");
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.TryGetProperty("kind", out System.Text.Json.JsonElement kind) && kind.GetString() == "kinetic-ising";
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new CliUsageException($"--model {folder}: model.json is not valid JSON ({ex.Message.Split('.')[0]}).");
        }
    }

    /// <summary>Kinetic model on a time series: log-likelihood per transition (never across segment boundaries) with
    /// its SE over segments, the independent baseline, and D_ij(1) of the model simulated with the data's segment
    /// layout (parallel Glauber) against the data's.</summary>
    private static void EvaluateKinetic(RunContext run, KineticIsingModel model, SpinRaster data, string? dataPath)
    {
        if (data.NeuronCount != model.Size)
        {
            throw new CliUsageException($"--data has {data.NeuronCount} neurons but the model has N = {model.Size}; select the same cells with --neurons.");
        }

        double[] perSegment = model.SegmentLogLikelihoods(data, out long[] transitions);
        long total = transitions.Sum();
        if (total == 0)
        {
            throw new CliUsageException("--data: no transitions (every segment is one bin long); check --segment-length.");
        }

        double ll = model.LogLikelihood(data);
        double[] valid = [.. perSegment.Where(double.IsFinite)];
        double mean = valid.Average();
        double se = valid.Length > 1 ? Math.Sqrt(valid.Sum(x => (x - mean) * (x - mean)) / (valid.Length - 1) / valid.Length) : double.NaN;
        double[] means = data.Means();
        int n = model.Size;
        (int _, int length) = data.Segment(0);
        int segments = data.SegmentCount;
        // Start from the data's first state, not a uniformly random one: a sparse recording's model can hold a
        // high-activity attractor that a 50 %-active random start falls into and never leaves.
        SpinRaster simulated = GlauberDynamics.Parallel(model, segments, length, new StatNeuro.Numerics.RandomStreams(run.Seed), 0, burnIn: Math.Min(length, 1000), initial: data.Row(0));
        double[] dData = GlauberDynamics.DelayedCorrelations(data, 1), dModel = GlauberDynamics.DelayedCorrelations(simulated, 1);
        double[] simMeans = simulated.Means();
        double sxx = 0, sxy = 0, e2 = 0;
        var iIdx = new List<double>();
        var jIdx = new List<double>();
        var dd = new List<double>();
        var dm = new List<double>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double a = dData[i * n + j], b = dModel[i * n + j];
                e2 += (b - a) * (b - a);
                sxx += a * a;
                sxy += a * b;
                iIdx.Add(i);
                jIdx.Add(j);
                dd.Add(a);
                dm.Add(b);
            }
        }

        Tables.WriteCsv(run.PathFor("means.csv"), ["neuron", "data", "model"], [Enumerable.Range(0, n).Select(i => (double)i).ToList(), means, simMeans]);
        Tables.WriteCsv(run.PathFor("d1.csv"), ["i", "j", "data", "model"], [iIdx, jIdx, dd, dm]);
        run.Summary["kind"] = "kinetic-ising";
        run.Summary["data"] = dataPath;
        run.Summary["n"] = n;
        run.Summary["transitions"] = total;
        run.Summary["segments"] = segments;
        run.Summary["log_likelihood"] = ll;
        run.Summary["log_likelihood_segment_mean"] = mean;
        run.Summary["log_likelihood_standard_error"] = se;
        run.Summary["independent_log_likelihood"] = ModelEvaluation.IndependentLogLikelihood(means, data.TimeBins, data);
        run.Summary["d1_rms_error"] = Math.Sqrt(e2 / (n * n));
        run.Summary["d1_slope"] = sxx > 0 ? sxy / sxx : double.NaN;
        run.Summary["rms_mean_error"] = Math.Sqrt(means.Zip(simMeans, (a, b) => (a - b) * (a - b)).Average());
        run.Say($"log-likelihood per transition {ll:F5} nats (SE over {valid.Length} segments {se:E2}; independent model {run.Summary.Root["independent_log_likelihood"]}); D(1) slope {run.Summary.Root["d1_slope"]}.");
    }
}
