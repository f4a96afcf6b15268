using StatNeuro.Numerics;

namespace StatNeuro.Tests.Support;

/// <summary>Estimates the order of convergence p from errors e(h) ≈ C h^p by a log-log least-squares fit.</summary>
internal static class ConvergenceOrder
{
    /// <summary>Slope of log(error) against log(step).</summary>
    public static double Estimate(IReadOnlyList<double> steps, IReadOnlyList<double> errors)
    {
        var lx = steps.Select(s => Math.Log(s)).ToArray();
        var ly = errors.Select(e => Math.Log(e)).ToArray();
        return Statistics.LinearFit(lx, ly).Slope;
    }
}
