using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Cli.Infrastructure;

/// <summary>The data options shared by <c>infer</c> and <c>evaluate</c>, and the model-folder format (ARCHITECTURE.md §3).</summary>
internal sealed class RasterOptions
{
    public Option<string> Data { get; } = new("--data") { Description = "Binary raster: text (0/1 or -1/+1, '#' comments), .npy or MATLAB v5 .mat. 0 = spin -1." };

    public Option<string> Layout { get; } = new("--layout") { Description = "time-by-neurons (default: one row per time bin) or neurons-by-time.", DefaultValueFactory = _ => "time-by-neurons" };

    public Option<string?> Variable { get; } = new("--variable") { Description = "For .mat files: the variable to read (default: the first numeric 2-D matrix)." };

    public Option<string?> Neurons { get; } = new("--neurons") { Description = "Neuron subset, 0-based: e.g. 0-9,12,15." };

    public Option<int> SegmentLength { get; } = new("--segment-length") { Description = "Bins per repeat/segment (e.g. 953 for the retina movie); 0 = one segment." };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Layout);
        command.Options.Add(Variable);
        command.Options.Add(Neurons);
        command.Options.Add(SegmentLength);
    }

    /// <summary>Reads and validates the raster: any problem becomes a one-line usage error.</summary>
    public SpinRaster Load(ParseResult parse, string? dataOverride = null, string optionName = "--data")
    {
        string? path = dataOverride ?? parse.GetValue(Data);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliUsageException($"{optionName} is required: give a raster file (text, .npy or .mat).");
        }

        string layoutText = parse.GetValue(Layout) ?? "time-by-neurons";
        RasterLayout layout = layoutText.ToUpperInvariant() switch
        {
            "TIME-BY-NEURONS" => RasterLayout.TimeByNeurons,
            "NEURONS-BY-TIME" => RasterLayout.NeuronsByTime,
            _ => throw new CliUsageException($"--layout '{layoutText}': use time-by-neurons or neurons-by-time."),
        };
        SpinRaster raster;
        try
        {
            raster = RasterFile.Read(path, layout, parse.GetValue(Variable));
        }
        catch (RasterFormatException ex)
        {
            throw new CliUsageException(ex.Message);
        }
        catch (IOException ex)
        {
            throw new CliUsageException($"{path}: cannot read ({ex.Message}).");
        }

        string? subset = parse.GetValue(Neurons);
        if (!string.IsNullOrWhiteSpace(subset))
        {
            raster = raster.SelectNeurons(ParseIndexList(subset, raster.NeuronCount));
        }

        int segment = parse.GetValue(SegmentLength);
        if (segment < 0)
        {
            throw new CliUsageException($"--segment-length {segment}: must be >= 0.");
        }

        if (segment > 0)
        {
            raster = raster.WithSegmentLength(segment);
        }

        int[] constant = raster.ConstantNeurons();
        if (constant.Length > 0)
        {
            throw new CliUsageException($"{path}: neuron {constant[0]} (0-based) never changes state ({constant.Length} such neuron(s)); its field would be infinite: drop it with --neurons.");
        }

        if (raster.TimeBins < 2)
        {
            throw new CliUsageException($"{path}: only {raster.TimeBins} time bin(s); need at least 2.");
        }

        return raster;
    }

    public static int[] ParseIndexList(string text, int count)
    {
        var result = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            if (range.Length > 2 || !int.TryParse(range[0], CultureInfo.InvariantCulture, out int a) ||
                !int.TryParse(range[^1], CultureInfo.InvariantCulture, out int b) || a < 0 || b < a || b >= count)
            {
                throw new CliUsageException($"--neurons '{part}': expected 0-based indices or ranges below {count}, e.g. 0-9,12.");
            }

            for (int i = a; i <= b; i++)
            {
                result.Add(i);
            }
        }

        return [.. result];
    }
}

/// <summary>A fitted model as a folder: model.json (kind, convention, N, h, J, fit settings) + h.csv + J.csv.</summary>
internal static class ModelFolder
{
    public static void Write(Func<string, string> pathFor, IsingModel model, JsonObject fit)
    {
        int n = model.Size;
        File.WriteAllText(pathFor("h.csv"), string.Join('\n', model.Fields.ToArray().Select(Tables.Format)) + "\n");
        var j = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                j[a, b] = model.Coupling(a, b);
            }
        }

        Tables.WriteMatrixCsv(pathFor("J.csv"), j);
        var root = new JsonObject
        {
            ["kind"] = "ising",
            ["convention"] = "pm1: P(s) = exp(sum_i h_i s_i + sum_{i<j} J_ij s_i s_j)/Z, s = +-1, 0/1 data mapped by s = 2*sigma - 1",
            ["n"] = n,
            ["h"] = new JsonArray([.. model.Fields.ToArray().Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["J"] = new JsonArray([.. Enumerable.Range(0, n).Select(a => (JsonNode?)new JsonArray([.. Enumerable.Range(0, n).Select(b => (JsonNode?)JsonValue.Create(model.Coupling(a, b)))]))]),
            ["fit"] = fit,
        };
        File.WriteAllText(pathFor("model.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static IsingModel Read(string folder)
    {
        string hPath = Path.Combine(folder, "h.csv"), jPath = Path.Combine(folder, "J.csv");
        if (!File.Exists(hPath) || !File.Exists(jPath))
        {
            throw new CliUsageException($"--model {folder}: expected a model folder with h.csv and J.csv (as written by 'statneuro infer ising').");
        }

        double[] h = ReadNumbers(hPath, out int hRows, out _);
        double[] j = ReadNumbers(jPath, out int jRows, out int jCols);
        if (hRows != h.Length || jRows != h.Length || jCols != h.Length)
        {
            throw new CliUsageException($"--model {folder}: h.csv has {h.Length} values but J.csv is {jRows} x {jCols}; J must be N x N with N = length of h.");
        }

        try
        {
            return new IsingModel(h, j);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"--model {folder}: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static double[] ReadNumbers(string path, out int rows, out int columns)
    {
        var values = new List<double>();
        rows = 0;
        columns = -1;
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            string[] parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (columns >= 0 && parts.Length != columns)
            {
                throw new CliUsageException($"{path}:{lineNo}: {parts.Length} values, the first row has {columns}.");
            }

            columns = parts.Length;
            for (int c = 0; c < parts.Length; c++)
            {
                if (!double.TryParse(parts[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    throw new CliUsageException($"{path}:{lineNo}:{c + 1}: '{parts[c]}' is not a finite number.");
                }

                values.Add(v);
            }

            rows++;
        }

        return [.. values];
    }
}
