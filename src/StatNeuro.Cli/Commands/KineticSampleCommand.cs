using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Data;
using StatNeuro.Ising;
using StatNeuro.Numerics;

namespace StatNeuro.Cli.Commands;

/// <summary>
/// <c>statneuro ising sample --kinetic</c>: time series of a kinetic Ising model by parallel (synchronous) or
/// sequential (random-order) Glauber dynamics, written as samples.npy (uint8 0/1, time × N; readable by every raster
/// reader and by <c>infer kinetic</c>).
/// </summary>
internal static class KineticSampleCommand
{
    /// <summary>Runs the kinetic sampler.</summary>
    /// <param name="run">Run context (seed, output).</param>
    /// <param name="folder">Model folder with h.csv (N lines, or N × B for fields per stimulus bin) and J.csv (N × N, row i = target), as written by <c>infer kinetic</c>; null = planted.</param>
    /// <param name="size">Planted model: N.</param>
    /// <param name="gain">Planted model: J_ij ~ N(0, g²/N), J_ii = 0.</param>
    /// <param name="fieldSd">Planted model: h_i ~ N(0, sd²).</param>
    /// <param name="steps">Time steps per segment (sweeps for sequential dynamics).</param>
    /// <param name="segments">Independent segments (repeats), each from a random state after the burn-in.</param>
    /// <param name="burnIn">Steps discarded at the start of each segment.</param>
    /// <param name="dynamics">parallel or sequential.</param>
    public static void Run(RunContext run, string? folder, int size, double gain, double fieldSd, int steps, int segments, int burnIn, string dynamics)
    {
        string kind = dynamics.ToLowerInvariant();
        if (kind is not ("parallel" or "sequential"))
        {
            throw new CliUsageException($"--dynamics '{dynamics}': use parallel or sequential.");
        }

        KineticIsingModel model;
        if (folder is null)
        {
            if (!(gain >= 0) || !(fieldSd >= 0))
            {
                throw new CliUsageException("--beta (the coupling gain g) and --field-sd must be >= 0 with --kinetic.");
            }

            model = KineticIsingModel.Planted(size, gain, fieldSd, new RandomStreams(run.Seed));
        }
        else
        {
            model = Read(folder);
        }

        if (kind == "sequential" && model.StimulusBins > 1)
        {
            throw new CliUsageException($"--model {folder}: fields per stimulus bin need --dynamics parallel.");
        }

        if ((long)steps * segments * model.Size > 2_000_000_000L)
        {
            throw new CliUsageException($"--samples x --chains x N = {(long)steps * segments * model.Size} values is too large (at most 2e9).");
        }

        run.Progress($"{kind} Glauber dynamics: {segments} segment(s) x {steps} steps of N = {model.Size} ...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var streams = new RandomStreams(run.Seed);
        SpinRaster raster;
        if (kind == "parallel")
        {
            raster = GlauberDynamics.Parallel(model, segments, steps, streams, 1, burnIn);
        }
        else
        {
            int n = model.Size;
            var spins = new sbyte[(long)segments * steps * n];
            var starts = new int[segments];
            for (int c = 0; c < segments; c++)
            {
                SpinRaster part = GlauberDynamics.Sequential(model, steps, streams, 1 + c, burnIn);
                for (int t = 0; t < steps; t++)
                {
                    part.Row(t).CopyTo(spins.AsSpan((int)(((long)c * steps + t) * n), n));
                }

                starts[c] = c * steps;
            }

            raster = new SpinRaster(segments * steps, n, spins, starts);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        NpyFile.Write(run.PathFor("samples.npy"), raster);
        if (folder is null)
        {
            WriteModel(run, model, gain, fieldSd);
        }

        double[] means = raster.Means();
        Tables.WriteCsv(run.PathFor("means.csv"), ["neuron", "mean"], [Enumerable.Range(0, means.Length).Select(i => (double)i).ToList(), means]);
        run.Summary["method"] = "glauber-" + kind;
        run.Summary["n"] = model.Size;
        run.Summary["samples"] = raster.TimeBins;
        run.Summary["segments"] = segments;
        run.Summary["segment_length"] = steps;
        run.Summary["neuron_updates_per_second"] = (double)(steps + burnIn) * segments * model.Size / Math.Max(seconds, 1e-9);
        run.Summary["mean_magnetization"] = means.Average();
        run.Say($"{raster.TimeBins} time steps of N = {model.Size} ({segments} segment(s) of {steps}) written to samples.npy; fit them with 'infer kinetic --segment-length {steps}'.");
    }

    private static void WriteModel(RunContext run, KineticIsingModel model, double gain, double fieldSd)
    {
        int n = model.Size;
        File.WriteAllText(run.PathFor(Path.Combine("model", "h.csv")), string.Join('\n', model.Fields.ToArray().Select(Tables.Format)) + "\n");
        var j = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                j[a, b] = model.Coupling(a, b);
            }
        }

        Tables.WriteMatrixCsv(run.PathFor(Path.Combine("model", "J.csv")), j);
        var root = new JsonObject
        {
            ["kind"] = "kinetic-ising",
            ["convention"] = "P(s(t+1)|s(t)) = prod_i exp(s_i(t+1) H_i(t)) / 2cosh H_i(t), H_i(t) = h_i + sum_j J_ij s_j(t); J[i][j] = coupling from j to i",
            ["n"] = n,
            ["method"] = "planted",
            ["gain"] = gain,
            ["field_sd"] = fieldSd,
        };
        File.WriteAllText(run.PathFor(Path.Combine("model", "model.json")), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads h.csv (N lines, one value or B values per line) and J.csv (N × N) of a kinetic model folder.</summary>
    internal static KineticIsingModel Read(string folder)
    {
        string hPath = Path.Combine(folder, "h.csv"), jPath = Path.Combine(folder, "J.csv");
        if (!File.Exists(hPath) || !File.Exists(jPath))
        {
            throw new CliUsageException($"--model {folder}: expected a model folder with h.csv and J.csv (as written by 'statneuro infer kinetic').");
        }

        List<double[]> h = ReadRows(hPath), j = ReadRows(jPath);
        int n = h.Count, bins = n > 0 ? h[0].Length : 0;
        if (n == 0 || j.Count != n || j.Any(r => r.Length != n))
        {
            throw new CliUsageException($"--model {folder}: h.csv has {n} rows but J.csv is {j.Count} x {(j.Count > 0 ? j[0].Length : 0)}; J must be N x N with N = rows of h.");
        }

        var fields = new double[bins * n];
        for (int i = 0; i < n; i++)
        {
            for (int b = 0; b < bins; b++)
            {
                fields[b * n + i] = h[i][b];
            }
        }

        return new KineticIsingModel(fields, [.. j.SelectMany(r => r)], bins);
    }

    private static List<double[]> ReadRows(string path)
    {
        var rows = new List<double[]>();
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            string[] parts = line.Split(',', StringSplitOptions.TrimEntries);
            var row = new double[parts.Length];
            for (int c = 0; c < parts.Length; c++)
            {
                if (!double.TryParse(parts[c], NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]) || !double.IsFinite(row[c]))
                {
                    throw new CliUsageException($"{path}:{lineNo}:{c + 1}: '{parts[c]}' is not a finite number.");
                }
            }

            if (rows.Count > 0 && row.Length != rows[0].Length)
            {
                throw new CliUsageException($"{path}:{lineNo}: {row.Length} values, the first row has {rows[0].Length}.");
            }

            rows.Add(row);
        }

        return rows;
    }
}
