using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Networks;
using Tomlyn;
using Tomlyn.Model;

namespace StatNeuro.Cli.Commands;

/// <summary>
/// A network described in a TOML or JSON file (format in docs/networks.md): top-level <c>dt_ms</c>, <c>duration_ms</c>,
/// arrays <c>population</c> and <c>projection</c>. Every problem is reported as one line "FILE:LINE: key 'K' ...".
/// </summary>
internal sealed class NetworkModelFile
{
    private static readonly string[] s_topKeys = ["dt_ms", "duration_ms", "population", "projection"];
    private static readonly string[] s_driveKeys = ["drive_sources", "drive_rate_hz", "drive_weight", "drive_receptor"];
    private static readonly Dictionary<string, string[]> s_populationKeys = new()
    {
        ["lif_exp"] = ["tau_m", "tau_e", "tau_i", "e_l", "v_threshold", "v_reset", "t_ref", "v0_min", "v0_max"],
        ["lif_alpha"] = ["tau_m", "tau_e", "tau_i", "e_l", "v_threshold", "v_reset", "t_ref", "v0_min", "v0_max"],
        ["lif_delta"] = ["tau_m", "e_l", "v_threshold", "v_reset", "t_ref", "v0_min", "v0_max"],
        ["coba_lif"] = ["e_l", "v_threshold", "v_reset", "t_ref", "tau_e", "tau_i", "v0_mean", "v0_sd"],
        ["hh"] = ["v0_mean", "v0_sd"],
        ["poisson"] = ["rate_hz"],
    };

    private static readonly string[] s_projectionKeys =
        ["source", "target", "receptor", "rule", "p", "k", "weight", "weight_min", "weight_max", "weight_mean", "weight_sd", "delay_ms", "delay_min_ms", "delay_max_ms", "autapses", "multapses"];

    private readonly string _path;
    private readonly string[] _lines;
    private readonly bool _json;

    private NetworkModelFile(string path, string text)
    {
        _path = path;
        _lines = text.Split('\n');
        _json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        Network = new Network();
    }

    public Network Network { get; private set; }

    public double? DurationMs { get; private set; }

    public static NetworkModelFile Load(string path, double? dtOverride)
    {
        string text = File.ReadAllText(path);
        var file = new NetworkModelFile(path, text);
        Dictionary<string, object?> root = file._json ? FromJson(path, text) : FromToml(path, text);
        file.Parse(root, dtOverride);
        return file;
    }

    private static Dictionary<string, object?> FromToml(string path, string text)
    {
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(text)!;
        }
        catch (Exception ex) when (ex is not CliUsageException)
        {
            throw new CliUsageException($"{path}: not valid TOML: {ex.Message.Split('\n')[0]}");
        }

        return (Dictionary<string, object?>)Convert(table)!;
    }

    private static object? Convert(object? value) => value switch
    {
        TomlTable t => t.ToDictionary(kv => kv.Key, kv => Convert(kv.Value)),
        TomlTableArray a => a.Select(x => Convert(x)).ToList(),
        TomlArray a => a.Select(Convert).ToList(),
        _ => value,
    };

    private static Dictionary<string, object?> FromJson(string path, string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"{path}:{(ex.LineNumber ?? 0) + 1}: not valid JSON: {ex.Message.Split('.')[0]}.");
        }

        return Convert(node) as Dictionary<string, object?> ?? throw new CliUsageException($"{path}:1: the top level must be an object.");
    }

    private static object? Convert(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => Convert(kv.Value)),
        JsonArray a => a.Select(Convert).ToList(),
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out double d) => d,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };

    private void Parse(Dictionary<string, object?> root, double? dtOverride)
    {
        CheckKeys(root, s_topKeys, null, -1);
        double dt = dtOverride ?? Number(root, "dt_ms", null, -1, 0.1, positive: true);
        Network = new Network(dt);
        if (root.ContainsKey("duration_ms"))
        {
            DurationMs = Number(root, "duration_ms", null, -1, 1000, positive: true);
        }

        List<Dictionary<string, object?>> populations = Tables(root, "population");
        if (populations.Count == 0)
        {
            throw Error("population", null, -1, "at least one [[population]] is required");
        }

        for (int k = 0; k < populations.Count; k++)
        {
            Network.Add(ParsePopulation(populations[k], k, dt));
        }

        List<Dictionary<string, object?>> projections = Tables(root, "projection");
        for (int k = 0; k < projections.Count; k++)
        {
            ParseProjection(projections[k], k);
        }
    }

    private Population ParsePopulation(Dictionary<string, object?> t, int index, double dt)
    {
        string name = Text(t, "name", "population", index);
        string model = Text(t, "model", "population", index);
        if (!s_populationKeys.TryGetValue(model, out string[]? keys))
        {
            throw Error("model", "population", index, $"unknown model '{model}'; use one of {string.Join(", ", s_populationKeys.Keys)}");
        }

        CheckKeys(t, [.. keys, .. s_driveKeys, "name", "model", "size"], "population", index);
        if (Network.Find(name) is not null)
        {
            throw Error("name", "population", index, $"population '{name}' is defined twice");
        }

        double sizeValue = Number(t, "size", "population", index, double.NaN, positive: true);
        if (sizeValue != Math.Floor(sizeValue) || sizeValue > 50_000_000)
        {
            throw Error("size", "population", index, "must be a whole number between 1 and 50000000");
        }

        int size = (int)sizeValue;
        double N(string key, double fallback, bool positive = false) => Number(t, key, "population", index, fallback, positive);
        Population pop = model switch
        {
            "lif_exp" => new LifExpPopulation(name, size)
            {
                TauM = N("tau_m", 20, true),
                TauE = N("tau_e", 5, true),
                TauI = N("tau_i", 10, true),
                RestPotential = N("e_l", -49),
                Threshold = N("v_threshold", -50),
                Reset = N("v_reset", -60),
                RefractoryMs = N("t_ref", 5),
                InitialV = new InitialValue(N("v0_min", -60), N("v0_max", -50)),
            },
            "lif_alpha" => new LifAlphaPopulation(name, size)
            {
                TauM = N("tau_m", 20, true),
                TauE = N("tau_e", 5, true),
                TauI = N("tau_i", 10, true),
                RestPotential = N("e_l", -49),
                Threshold = N("v_threshold", -50),
                Reset = N("v_reset", -60),
                RefractoryMs = N("t_ref", 5),
                InitialV = new InitialValue(N("v0_min", -60), N("v0_max", -50)),
            },
            "lif_delta" => new LifDeltaPopulation(name, size)
            {
                TauM = N("tau_m", 20, true),
                RestPotential = N("e_l", 0),
                Threshold = N("v_threshold", 20),
                Reset = N("v_reset", 10),
                RefractoryMs = N("t_ref", 2),
                InitialV = new InitialValue(N("v0_min", 0), N("v0_max", 0)),
            },
            "coba_lif" => new CobaLifPopulation(name, size)
            {
                LeakReversal = N("e_l", -60),
                Threshold = N("v_threshold", -50),
                Reset = N("v_reset", -60),
                RefractoryMs = N("t_ref", 5),
                TauE = N("tau_e", 5, true),
                TauI = N("tau_i", 10, true),
                InitialV = new InitialValue(N("v0_mean", -65), N("v0_sd", 5), Normal: true),
            },
            "hh" => new HhPopulation(name, size) { InitialV = new InitialValue(N("v0_mean", -65), N("v0_sd", 5), Normal: true) },
            _ => new PoissonSourcePopulation(name, size, N("rate_hz", 10)),
        };
        if (t.ContainsKey("t_ref") && N("t_ref", 0) < 0)
        {
            throw Error("t_ref", "population", index, "must be >= 0");
        }

        if (t.ContainsKey("drive_sources") || t.ContainsKey("drive_rate_hz"))
        {
            string receptor = t.ContainsKey("drive_receptor") ? Text(t, "drive_receptor", "population", index) : (pop.Receptors.Count > 0 ? pop.Receptors[0] : "");
            int r = pop.ReceptorIndex(receptor);
            if (r < 0)
            {
                throw Error("drive_receptor", "population", index, $"'{receptor}' is not a receptor of {model} ({string.Join(", ", pop.Receptors)})");
            }

            double sources = N("drive_sources", 0);
            double rate = N("drive_rate_hz", 0);
            if (sources < 0 || sources != Math.Floor(sources))
            {
                throw Error("drive_sources", "population", index, "must be a whole number >= 0");
            }

            if (rate < 0 || (sources > 0 && rate * dt * 1e-3 > 1))
            {
                throw Error("drive_rate_hz", "population", index, "must be >= 0 and rate*dt must not exceed 1");
            }

            pop.Drive = new BinomialDrive((int)sources, rate, N("drive_weight", 0), r);
        }

        return pop;
    }

    private void ParseProjection(Dictionary<string, object?> t, int index)
    {
        CheckKeys(t, s_projectionKeys, "projection", index);
        Population Pop(string key)
        {
            string name = Text(t, key, "projection", index);
            return Network.Find(name) ?? throw Error(key, "projection", index, $"unknown population '{name}' (defined: {string.Join(", ", Network.Populations.Select(p => p.Name))})");
        }

        Population source = Pop("source"), target = Pop("target");
        string receptor = Text(t, "receptor", "projection", index);
        if (target.ReceptorIndex(receptor) < 0)
        {
            throw Error("receptor", "projection", index, $"'{receptor}' is not a receptor of '{target.Name}' ({string.Join(", ", target.Receptors)})");
        }

        string rule = Text(t, "rule", "projection", index);
        double N(string key, double fallback) => Number(t, key, "projection", index, fallback, positive: false);
        ConnectionRule r;
        switch (rule)
        {
            case "fixed_probability":
                double p = N("p", double.NaN);
                if (!(p >= 0 && p <= 1))
                {
                    throw Error("p", "projection", index, $"probability {p.ToString(CultureInfo.InvariantCulture)} is outside [0, 1]");
                }

                r = new ConnectionRule.FixedProbability(p);
                break;
            case "fixed_in_degree":
            case "fixed_out_degree":
                double k = N("k", double.NaN);
                int limit = rule == "fixed_in_degree" ? source.Size : target.Size;
                if (!(k >= 0) || k != Math.Floor(k) || k > limit)
                {
                    throw Error("k", "projection", index, $"must be a whole number in [0, {limit}]");
                }

                r = rule == "fixed_in_degree" ? new ConnectionRule.FixedInDegree((int)k) : new ConnectionRule.FixedOutDegree((int)k);
                break;
            case "all_to_all":
                r = new ConnectionRule.AllToAll();
                break;
            case "one_to_one":
                if (source.Size != target.Size)
                {
                    throw Error("rule", "projection", index, $"one_to_one needs equal sizes ({source.Size} vs {target.Size})");
                }

                r = new ConnectionRule.OneToOne();
                break;
            default:
                throw Error("rule", "projection", index, $"unknown rule '{rule}'; use fixed_probability, fixed_in_degree, fixed_out_degree, all_to_all or one_to_one");
        }

        ValueSpec weight = t.ContainsKey("weight_min") ? new ValueSpec(N("weight_min", 0), N("weight_max", 0), ValueDistribution.Uniform)
            : t.ContainsKey("weight_mean") ? new ValueSpec(N("weight_mean", 0), N("weight_sd", 0), ValueDistribution.Normal)
            : ValueSpec.Constant(N("weight", double.NaN));
        if (!double.IsFinite(weight.A))
        {
            throw Error("weight", "projection", index, "is required (or weight_min/weight_max, weight_mean/weight_sd)");
        }

        ValueSpec delay;
        if (t.ContainsKey("delay_min_ms"))
        {
            delay = new ValueSpec(N("delay_min_ms", 0), N("delay_max_ms", 0), ValueDistribution.Uniform);
            if (delay.A < 0 || delay.B < delay.A)
            {
                throw Error(delay.A < 0 ? "delay_min_ms" : "delay_max_ms", "projection", index, "delays must satisfy 0 <= delay_min_ms <= delay_max_ms");
            }
        }
        else
        {
            delay = ValueSpec.Constant(N("delay_ms", 0));
            if (delay.A < 0)
            {
                throw Error("delay_ms", "projection", index, $"delay {delay.A.ToString(CultureInfo.InvariantCulture)} ms is negative");
            }
        }

        bool autapses = Flag(t, "autapses", index, true), multapses = Flag(t, "multapses", index, true);
        Network.Connect(source, target, receptor, new ConnectionSpec(r, weight, delay, autapses, multapses));
    }

    private List<Dictionary<string, object?>> Tables(Dictionary<string, object?> root, string key)
    {
        if (!root.TryGetValue(key, out object? value) || value is null)
        {
            return [];
        }

        if (value is List<object?> list && list.All(x => x is Dictionary<string, object?>))
        {
            return list.Cast<Dictionary<string, object?>>().ToList();
        }

        throw Error(key, null, -1, $"must be an array of tables ([[{key}]])");
    }

    private void CheckKeys(Dictionary<string, object?> table, IReadOnlyCollection<string> allowed, string? array, int index)
    {
        foreach (string key in table.Keys)
        {
            if (!allowed.Contains(key))
            {
                string best = allowed.OrderBy(a => Distance(a, key)).First();
                string hint = Distance(best, key) <= 3 ? $" (did you mean '{best}'?)" : $" (allowed: {string.Join(", ", allowed)})";
                throw Error(key, array, index, "unknown key" + hint);
            }
        }
    }

    private double Number(Dictionary<string, object?> t, string key, string? array, int index, double fallback, bool positive)
    {
        if (!t.TryGetValue(key, out object? value))
        {
            if (double.IsNaN(fallback) && key is "size")
            {
                throw Error(key, array, index, "is required");
            }

            return fallback;
        }

        double d = value switch
        {
            long l => l,
            int i => i,
            double x => x,
            float f => f,
            _ => throw Error(key, array, index, $"expected a number, got '{value}'"),
        };
        if (!double.IsFinite(d) || (positive && d <= 0))
        {
            throw Error(key, array, index, positive ? "must be a number > 0" : "must be a finite number");
        }

        return d;
    }

    private string Text(Dictionary<string, object?> t, string key, string array, int index)
    {
        if (!t.TryGetValue(key, out object? value))
        {
            throw Error(key, array, index, "is required");
        }

        return value as string ?? throw Error(key, array, index, $"expected a string, got '{value}'");
    }

    private bool Flag(Dictionary<string, object?> t, string key, int index, bool fallback) =>
        !t.TryGetValue(key, out object? value) ? fallback : value as bool? ?? throw Error(key, "projection", index, "expected true or false");

    private CliUsageException Error(string key, string? array, int index, string message)
    {
        int line = LineOf(key, array, index);
        string where = array is null ? "" : $" in {array} #{index + 1}";
        return new CliUsageException($"{_path}:{line}: key '{key}'{where}: {message}.");
    }

    /// <summary>Best-effort line number of a key: inside the index-th [[array]] block (TOML) or the index-th occurrence (JSON).</summary>
    private int LineOf(string key, string? array, int index)
    {
        int block = -1;
        bool inTarget = array is null;
        int seen = -1;
        for (int n = 0; n < _lines.Length; n++)
        {
            string line = _lines[n].Trim();
            if (!_json && line.StartsWith('['))
            {
                if (array is not null && line.StartsWith($"[[{array}]]", StringComparison.Ordinal))
                {
                    block++;
                    inTarget = block == index;
                }
                else
                {
                    inTarget = false;
                }

                continue;
            }

            bool match = _json ? line.Contains($"\"{key}\"", StringComparison.Ordinal)
                : line.StartsWith(key, StringComparison.Ordinal) && line[key.Length..].TrimStart().StartsWith('=');
            if (!match)
            {
                continue;
            }

            if (_json)
            {
                seen++;
                if (array is null || seen == Math.Max(0, index) || index < 0)
                {
                    return n + 1;
                }
            }
            else if (inTarget)
            {
                return n + 1;
            }
        }

        return 1;
    }

    private static int Distance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
