using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Cli.Commands;

/// <summary>
/// <c>statneuro infer kinetic --data F --method ml|ml-symmetric|nmf|tap [--stimulus-bins B] [--segment-length L] [--l2 λ] [--l1 λ]</c>:
/// fits a kinetic (parallel Glauber) Ising model; writes h.csv, J.csv (row i, column j = coupling from j to i),
/// model.json and summary.json with <c>log_likelihood</c> per transition. A subcommand of the <c>infer</c> group.
/// </summary>
internal static class InferKineticCommand
{
    private static readonly string[] s_methods = ["ml", "ml-symmetric", "nmf", "tap"];

    /// <summary>A stand-alone <c>infer</c> group holding only this subcommand, for branches where the group does not exist yet.</summary>
    public static Command Create(CliContext cli)
    {
        var command = new Command("kinetic", "Fit a kinetic (non-equilibrium, parallel Glauber) Ising model to a binary time series; writes h.csv, J.csv, model.json.");
        var common = new CommonOptions("kinetic-model");
        var data = new Option<string>("--data") { Description = "Binary raster (time bins x neurons): text (0/1 or -1/+1), .npy or MATLAB v5 .mat. 0 = spin -1." };
        var variable = new Option<string?>("--variable") { Description = "For .mat files: the variable to read (default: the first numeric 2-D matrix)." };
        var method = new Option<string>("--method") { Description = "ml (exact maximum likelihood, asymmetric J), ml-symmetric (J = J^T), nmf or tap (Roudi-Hertz mean-field inversions).", DefaultValueFactory = _ => "ml" };
        var segment = new Option<int>("--segment-length") { Description = "Bins per repeat/segment (953 for the retina movie); transitions never cross segments. 0 = one segment." };
        var bins = new Option<int>("--stimulus-bins") { Description = "Time-dependent fields h_i(b), one per bin b of a repeat, shared across repeats (method ml; needs --segment-length). 0 = constant fields." };
        var l2 = new Option<double>("--l2") { Description = "L2 penalty lambda on J (objective L/M - lambda/2 sum J^2). Default 0." };
        var l1 = new Option<double>("--l1") { Description = "L1 (lasso) penalty lambda on J only, method ml (objective L/M - lambda * sum |J|, per transition like --l2); exact zeros, count in summary.json nonzero_couplings. Default 0." };
        var tolerance = new Option<double>("--tolerance") { Description = "Gradient-norm tolerance of the ML fits.", DefaultValueFactory = _ => 1e-8 };
        var test = new Option<string>("--test") { Description = "Held-out data: none or odd-repeats (train on even repeats; needs --segment-length).", DefaultValueFactory = _ => "none" };
        foreach (Option o in new Option[] { data, variable, method, segment, bins, l2, l1, tolerance, test })
        {
            command.Options.Add(o);
        }

        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "infer kinetic", run =>
        {
            string m = (parse.GetValue(method) ?? "ml").ToLowerInvariant();
            if (!s_methods.Contains(m))
            {
                throw new CliUsageException($"--method '{m}': choose one of {string.Join(", ", s_methods)}.");
            }

            int segmentLength = parse.GetValue(segment);
            if (segmentLength < 0)
            {
                throw new CliUsageException($"--segment-length {segmentLength}: must be >= 0.");
            }

            int stimulusBins = parse.GetValue(bins);
            if (stimulusBins < 0)
            {
                throw new CliUsageException($"--stimulus-bins {stimulusBins}: must be >= 0.");
            }

            if (stimulusBins > 0 && m != "ml")
            {
                throw new CliUsageException($"--stimulus-bins works with --method ml only (got {m}).");
            }

            if (stimulusBins > 0 && segmentLength == 0)
            {
                throw new CliUsageException("--stimulus-bins needs --segment-length (the repeats the fields are shared across).");
            }

            if (stimulusBins > 0 && stimulusBins != segmentLength)
            {
                throw new CliUsageException($"--stimulus-bins {stimulusBins} must equal --segment-length {segmentLength} (one field per bin of a repeat).");
            }

            double lambda = parse.GetValue(l2);
            if (!(lambda >= 0) || !double.IsFinite(lambda))
            {
                throw new CliUsageException($"--l2 {lambda}: must be a finite number >= 0.");
            }

            double lasso = parse.GetValue(l1);
            if (!(lasso >= 0) || !double.IsFinite(lasso))
            {
                throw new CliUsageException($"--l1 {lasso}: must be a finite number >= 0 (penalty per transition on sum |J_ij|).");
            }

            if (lasso > 0 && m != "ml")
            {
                throw new CliUsageException($"--l1 works with --method ml only (got {m}).");
            }

            double tol = parse.GetValue(tolerance);
            if (!(tol > 0) || !double.IsFinite(tol))
            {
                throw new CliUsageException($"--tolerance {tol}: must be > 0.");
            }

            string testMode = parse.GetValue(test) ?? "none";
            if (testMode is not ("none" or "odd-repeats"))
            {
                throw new CliUsageException($"--test '{testMode}': use none or odd-repeats.");
            }

            if (testMode == "odd-repeats" && segmentLength == 0)
            {
                throw new CliUsageException("--test odd-repeats needs --segment-length.");
            }

            string? path = parse.GetValue(data);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new CliUsageException("--data is required: give a raster file (text, .npy or .mat).");
            }

            SpinRaster raster;
            try
            {
                raster = RasterFile.Read(path, RasterLayout.TimeByNeurons, parse.GetValue(variable));
            }
            catch (RasterFormatException ex)
            {
                throw new CliUsageException(ex.Message);
            }
            catch (IOException ex)
            {
                throw new CliUsageException($"{path}: cannot read ({ex.Message}).");
            }

            if (raster.TimeBins < 2)
            {
                throw new CliUsageException($"{path}: only {raster.TimeBins} time bin(s); a kinetic model needs at least 2 (one transition).");
            }

            if (segmentLength > 0)
            {
                if (raster.TimeBins % segmentLength != 0)
                {
                    throw new CliUsageException($"--segment-length {segmentLength} does not divide the {raster.TimeBins} time bins of {path}; give the number of bins per repeat.");
                }

                if (segmentLength < 2)
                {
                    throw new CliUsageException($"--segment-length {segmentLength}: a segment needs at least 2 bins to hold a transition.");
                }

                raster = raster.WithSegmentLength(segmentLength);
            }

            int[] constant = raster.ConstantNeurons();
            if (constant.Length > 0)
            {
                throw new CliUsageException($"{path}: neuron {constant[0]} (0-based) never changes state ({constant.Length} such neuron(s)); its field would be infinite: remove it from the raster.");
            }

            SpinRaster train = raster;
            SpinRaster? held = null;
            if (testMode == "odd-repeats")
            {
                if (raster.SegmentCount < 2)
                {
                    throw new CliUsageException("--test odd-repeats needs at least two repeats.");
                }

                (train, held) = raster.SplitByRepeat();
            }

            var settings = new KineticLearningSettings
            {
                L2 = lambda,
                L1 = lasso,
                GradientTolerance = tol,
                MaxThreads = run.Threads,
                StimulusBins = Math.Max(stimulusBins, 1),
            };
            run.Progress($"fitting kinetic {m} to {train.TimeBins} bins x {train.NeuronCount} neurons ({train.SegmentCount} segment(s)) ...");
            FitResult<KineticIsingModel> fit = m switch
            {
                "ml" => KineticIsingLearning.MaximumLikelihood(train, settings),
                "ml-symmetric" => KineticIsingLearning.SymmetricMaximumLikelihood(train, settings),
                "nmf" => KineticIsingLearning.NaiveMeanField(train),
                _ => KineticIsingLearning.Tap(train),
            };

            WriteModel(run.PathFor, fit, m);
            double ll = fit.Model.LogLikelihood(train);
            run.Summary["data"] = path;
            run.Summary["method"] = m;
            run.Summary["n"] = train.NeuronCount;
            run.Summary["stimulus_bins"] = fit.Model.StimulusBins;
            run.Summary["transitions"] = CountTransitions(train);
            run.Summary["log_likelihood"] = ll;
            run.Summary["converged"] = fit.Converged;
            run.Summary["iterations"] = fit.Iterations;
            if (fit.Notes.TryGetValue("gradient_norm", out double g))
            {
                run.Summary["gradient_norm"] = g;
            }

            if (fit.Notes.TryGetValue("nonzero_couplings", out double nonzero))
            {
                run.Summary["l1"] = lasso;
                run.Summary["nonzero_couplings"] = (long)nonzero;
            }

            if (fit.Notes.TryGetValue("tap_no_root", out double noRoot))
            {
                run.Summary["tap_no_root"] = noRoot;
            }

            if (held is not null)
            {
                double[] per = fit.Model.SegmentLogLikelihoods(held, out _);
                double mean = per.Average();
                double sd = Math.Sqrt(per.Sum(v => (v - mean) * (v - mean)) / Math.Max(per.Length - 1, 1));
                run.Summary["test_log_likelihood"] = fit.Model.LogLikelihood(held);
                run.Summary["test_log_likelihood_se"] = sd / Math.Sqrt(per.Length);
                run.Summary["test_repeats"] = per.Length;
            }

            run.Say($"kinetic {m}: log-likelihood {ll:F6} nats per transition ({train.NeuronCount} neurons){(fit.Converged ? "" : " — NOT converged")}.");
        }));
        return command;
    }

    private static long CountTransitions(SpinRaster r)
    {
        long t = 0;
        for (int k = 0; k < r.SegmentCount; k++)
        {
            t += Math.Max(r.Segment(k).Length - 1, 0);
        }

        return t;
    }

    /// <summary>h.csv (N lines; with B stimulus bins N rows × B columns), J.csv (N × N, row i = target), model.json.</summary>
    internal static void WriteModel(Func<string, string> pathFor, FitResult<KineticIsingModel> fit, string method)
    {
        KineticIsingModel model = fit.Model;
        int n = model.Size, b = model.StimulusBins;
        var h = new double[n, b];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < b; k++)
            {
                h[i, k] = model.Fields[k * n + i];
            }
        }

        Tables.WriteMatrixCsv(pathFor("h.csv"), h);
        var j = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                j[i, k] = model.Coupling(i, k);
            }
        }

        Tables.WriteMatrixCsv(pathFor("J.csv"), j);
        var fitNode = new JsonObject { ["method"] = method, ["converged"] = fit.Converged, ["iterations"] = fit.Iterations };
        foreach (KeyValuePair<string, double> kv in fit.Notes)
        {
            fitNode[kv.Key] = Summary.ToNode(kv.Value);
        }

        var root = new JsonObject
        {
            ["kind"] = "kinetic-ising",
            ["convention"] = "P(s(t+1)|s(t)) = prod_i exp(s_i(t+1) H_i(t)) / 2cosh H_i(t), H_i(t) = h_i(b(t)) + sum_j J_ij s_j(t); s = +-1 (0/1 data: s = 2*sigma - 1); J[i][j] = coupling from j to i; b(t) = bin of t within its repeat",
            ["n"] = n,
            ["stimulus_bins"] = b,
            ["h"] = new JsonArray([.. Enumerable.Range(0, b).Select(k => (JsonNode?)new JsonArray([.. model.FieldsOfBin(k).ToArray().Select(v => (JsonNode?)JsonValue.Create(v))]))]),
            ["J"] = new JsonArray([.. Enumerable.Range(0, n).Select(a => (JsonNode?)new JsonArray([.. Enumerable.Range(0, n).Select(c => (JsonNode?)JsonValue.Create(model.Coupling(a, c)))]))]),
            ["fit"] = fitNode,
        };
        File.WriteAllText(pathFor("model.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
