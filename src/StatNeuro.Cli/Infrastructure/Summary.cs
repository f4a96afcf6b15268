using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StatNeuro.Cli.Infrastructure;

/// <summary>The summary.json of a run: an ordered JSON object with inputs, seed, version, timings and headline numbers.</summary>
internal sealed class Summary
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public Summary(string command)
    {
        Root["command"] = command;
        Root["version"] = Version;
    }

    public static string Version { get; } =
        typeof(Summary).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public JsonObject Root { get; } = [];

    public object? this[string key]
    {
        set => Root[key] = ToNode(value);
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode n => n,
        double d when double.IsNaN(d) || double.IsInfinity(d) => JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsonSerializer.SerializeToNode(value, s_options),
    };

    public string ToJson() => Root.ToJsonString(s_options);
}
