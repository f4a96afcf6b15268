using System.Numerics;
using System.Runtime.InteropServices;

namespace StatNeuro.Neurons;

/// <summary>
/// Exact-propagator update of a population of LIF neurons with piecewise-constant drive, structure of arrays:
/// V_i ← V∞_i + (V_i − V∞_i) P with P = e^{−h/τ}; neurons with V_i ≥ V_th spike and are reset to V_reset.
/// </summary>
public static class LifPopulationKernel
{
    /// <summary>SIMD update: one fused pass with <see cref="Vector{T}"/> (propagate, compare, reset). Returns the number of spikes.</summary>
    /// <param name="voltage">Membrane potentials (mV), updated in place.</param>
    /// <param name="steadyState">V∞ = V_rest + R I per neuron (mV).</param>
    /// <param name="propagator">P = e^{−h/τ}.</param>
    /// <param name="thresholdMv">V_th.</param>
    /// <param name="resetMv">V_reset.</param>
    /// <returns>Number of neurons that spiked.</returns>
    public static int Step(Span<double> voltage, ReadOnlySpan<double> steadyState, double propagator, double thresholdMv, double resetMv)
    {
        if (steadyState.Length < voltage.Length)
        {
            throw new ArgumentException("steadyState is shorter than voltage.", nameof(steadyState));
        }

        int width = Vector<double>.Count;
        int i = 0;
        int spikes = 0;
        var p = new Vector<double>(propagator);
        var threshold = new Vector<double>(thresholdMv);
        var reset = new Vector<double>(resetMv);
        Span<Vector<double>> vv = MemoryMarshal.Cast<double, Vector<double>>(voltage);
        ReadOnlySpan<Vector<double>> ss = MemoryMarshal.Cast<double, Vector<double>>(steadyState);
        for (int k = 0; k < vv.Length; k++, i += width)
        {
            Vector<double> inf = ss[k];
            Vector<double> v = inf + (vv[k] - inf) * p;
            Vector<long> fired = Vector.GreaterThanOrEqual(v, threshold);
            if (fired != Vector<long>.Zero)
            {
                spikes -= (int)Vector.Sum(fired);
                v = Vector.ConditionalSelect(fired, reset, v);
            }

            vv[k] = v;
        }

        for (; i < voltage.Length; i++)
        {
            double v = steadyState[i] + (voltage[i] - steadyState[i]) * propagator;
            if (v >= thresholdMv)
            {
                v = resetMv;
                spikes++;
            }

            voltage[i] = v;
        }

        return spikes;
    }

    /// <summary>Scalar reference of <see cref="Step"/>.</summary>
    /// <param name="voltage">Membrane potentials (mV), updated in place.</param>
    /// <param name="steadyState">V∞ per neuron (mV).</param>
    /// <param name="propagator">P = e^{−h/τ}.</param>
    /// <param name="thresholdMv">V_th.</param>
    /// <param name="resetMv">V_reset.</param>
    /// <returns>Number of neurons that spiked.</returns>
    public static int StepScalar(Span<double> voltage, ReadOnlySpan<double> steadyState, double propagator, double thresholdMv, double resetMv)
    {
        int spikes = 0;
        for (int i = 0; i < voltage.Length; i++)
        {
            double v = steadyState[i] + (voltage[i] - steadyState[i]) * propagator;
            if (v >= thresholdMv)
            {
                v = resetMv;
                spikes++;
            }

            voltage[i] = v;
        }

        return spikes;
    }
}
