using System.Globalization;
using System.Reflection;

namespace StatNeuro.Neurons;

/// <summary>Builds neuron models by name with parameter overrides, and computes f–I curves.</summary>
public static class NeuronModels
{
    /// <summary>Model names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["lif", "hh", "izhikevich", "adex"];

    /// <summary>Default injected current of each model (in its own unit), one that makes it fire regularly.</summary>
    /// <param name="name">Model name.</param>
    /// <returns>The current.</returns>
    public static double DefaultCurrent(string name) => name switch
    {
        "lif" => 3.0,          // R I = 30 mV as in the slides
        "hh" => 10.0,          // µA/cm²
        "izhikevich" => 10.0,
        "adex" => 800.0,       // pA
        _ => throw new ArgumentException($"unknown model '{name}'", nameof(name)),
    };

    /// <summary>Parameter names a model accepts (the properties of its parameter record).</summary>
    /// <param name="name">Model name.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> ParameterNames(string name) =>
        [.. ParameterType(name).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(double)).Select(p => p.Name)];

    /// <summary>
    /// Creates model <paramref name="name"/> with defaults, overriding the named parameters. Throws
    /// <see cref="ArgumentException"/> with one line for an unknown model or parameter, or invalid values.
    /// </summary>
    /// <param name="name">lif, hh, izhikevich or adex.</param>
    /// <param name="overrides">Parameter name (case-insensitive) → value.</param>
    /// <returns>The model.</returns>
    public static INeuronModel Create(string name, IReadOnlyDictionary<string, double>? overrides = null)
    {
        Type type = ParameterType(name);
        object parameters = Activator.CreateInstance(type)!;
        foreach ((string key, double value) in overrides ?? new Dictionary<string, double>())
        {
            PropertyInfo? property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => p.PropertyType == typeof(double) && p.Name.Equals(key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                throw new ArgumentException($"unknown parameter '{key}' for model '{name}'; valid: {string.Join(", ", ParameterNames(name))}");
            }

            property.SetValue(parameters, value);
        }

        (INeuronModel model, IReadOnlyList<string> errors) = parameters switch
        {
            LifParameters p => ((INeuronModel)new LeakyIntegrateAndFire(p), p.Validate()),
            HodgkinHuxleyParameters p => (new HodgkinHuxley(p), p.Validate()),
            IzhikevichParameters p => (new Izhikevich(p), p.Validate()),
            AdExParameters p => (new AdaptiveExponential(p), p.Validate()),
            _ => throw new InvalidOperationException("unreachable"),
        };
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid parameters for model '{name}': {string.Join("; ", errors)}");
        }

        return model;
    }

    private static Type ParameterType(string name) => name switch
    {
        "lif" => typeof(LifParameters),
        "hh" => typeof(HodgkinHuxleyParameters),
        "izhikevich" => typeof(IzhikevichParameters),
        "adex" => typeof(AdExParameters),
        _ => throw new ArgumentException($"unknown model '{name}'; choose one of: {string.Join(", ", Names)}"),
    };

    /// <summary>Formats a value for messages.</summary>
    internal static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>An f–I curve: spike counts over a window for a list of constant currents, with the rheobase.</summary>
/// <param name="Currents">The currents.</param>
/// <param name="SpikeCounts">Spikes in the window for each current.</param>
/// <param name="RatesHz">Rates (Hz).</param>
/// <param name="RheobaseCurrent">Smallest current that gives at least one spike (bisection, NaN if none in range).</param>
/// <param name="SustainedOnsetCurrent">Smallest current that gives sustained firing — a spike in the last quarter of the window — by bisection (NaN if none).</param>
public sealed record FiCurve(double[] Currents, int[] SpikeCounts, double[] RatesHz, double RheobaseCurrent, double SustainedOnsetCurrent);

/// <summary>f–I curves by parallel simulation, independent of thread count.</summary>
public static class FiCurves
{
    /// <summary>Computes the f–I curve over <paramref name="currents"/> for constant current steps from rest.</summary>
    /// <param name="model">Neuron model.</param>
    /// <param name="currents">Currents (ascending).</param>
    /// <param name="settings">Simulation settings (duration = counting window).</param>
    /// <param name="seed">Noise seed; point k uses stream index k.</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="bisectionTolerance">Current tolerance of the rheobase bisection.</param>
    /// <returns>The curve.</returns>
    public static FiCurve Compute(INeuronModel model, IReadOnlyList<double> currents, NeuronSimulationSettings settings, ulong seed, int threads, double bisectionTolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(currents);
        ArgumentNullException.ThrowIfNull(settings);
        NeuronSimulationSettings quiet = settings with { RecordEvery = 0 };
        var counts = new int[currents.Count];
        var sustained = new bool[currents.Count];
        Parallel.For(0, currents.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, k =>
        {
            NeuronTrace trace = NeuronSimulation.Run(model, new ConstantCurrent(currents[k]), quiet, seed, k);
            counts[k] = trace.SpikeTimes.Length;
            sustained[k] = IsSustained(trace, settings.DurationMs);
        });
        var rates = counts.Select(c => c / (settings.DurationMs / 1000.0)).ToArray();
        double rheobase = Bisect(model, currents, counts.Select(c => c > 0).ToArray(), quiet, seed, t => t.SpikeTimes.Length > 0, bisectionTolerance);
        double onset = Bisect(model, currents, sustained, quiet, seed, t => IsSustained(t, settings.DurationMs), bisectionTolerance);
        return new FiCurve([.. currents], counts, rates, rheobase, onset);
    }

    private static bool IsSustained(NeuronTrace trace, double durationMs) =>
        trace.SpikeTimes.Length > 0 && trace.SpikeTimes[^1] >= 0.75 * durationMs;

    private static double Bisect(INeuronModel model, IReadOnlyList<double> currents, bool[] flags, NeuronSimulationSettings s, ulong seed, Func<NeuronTrace, bool> criterion, double tolerance)
    {
        int first = Array.IndexOf(flags, true);
        if (first < 0)
        {
            return double.NaN;
        }

        if (first == 0)
        {
            return currents[0];
        }

        double lo = currents[first - 1], hi = currents[first];
        while (hi - lo > tolerance)
        {
            double mid = 0.5 * (lo + hi);
            if (criterion(NeuronSimulation.Run(model, new ConstantCurrent(mid), s, seed, -1)))
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return 0.5 * (lo + hi);
    }
}
