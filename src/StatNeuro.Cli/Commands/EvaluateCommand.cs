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
        var command = new Command("evaluate", "Evaluate a fitted Ising model on a raster: log-likelihood per sample vs the independent model, means, correlations, P(K).");
        var common = new CommonOptions("evaluation");
        var raster = new RasterOptions();
        var model = new Option<string>("--model") { Description = "Model folder (h.csv, J.csv) from 'infer ising'." };
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

            SampleSet set = IsingSampler.Sample(m, new SamplerSettings { Kind = SamplerKind.HeatBath, Chains = 8, BurnInSweeps = 500, SamplesPerChain = mc }, run.Seed, run.Threads);
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
}
