using StatNeuro.Dynamics;

namespace StatNeuro.Tests.Dynamics;

/// <summary>The slides' example dy/dx = x; exact solution y(x) = y0 + (x² − x0²)/2.</summary>
internal readonly struct Ramp : IOdeSystem
{
    public int Dimension => 1;

    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = t;
}

/// <summary>y' = −λ y; exact y0 e^{−λ t}.</summary>
internal readonly struct Decay(double rate) : IOdeSystem, IJacobianSystem, IConditionallyLinearSystem
{
    public int Dimension => 1;

    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -rate * y[0];

    public void Jacobian(double t, ReadOnlySpan<double> y, Span<double> jacobian) => jacobian[0] = -rate;

    public void LinearParts(double t, ReadOnlySpan<double> y, Span<double> a, Span<double> b)
    {
        a[0] = 0;
        b[0] = -rate;
    }
}

/// <summary>x'' = −ω² x as (x, v); exact x = cos ωt, v = −ω sin ωt from (1, 0).</summary>
internal readonly struct Oscillator(double omega) : IOdeSystem
{
    public int Dimension => 2;

    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
    {
        dydt[0] = y[1];
        dydt[1] = -omega * omega * y[0];
    }
}

/// <summary>The slides' LIF: τ dV/dt = V_rest − V + R I, with V∞ = V_rest + R I.</summary>
internal readonly struct LifMembrane(double tauMs, double vInfinityMv) : IOdeSystem, IConditionallyLinearSystem
{
    public int Dimension => 1;

    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = (vInfinityMv - y[0]) / tauMs;

    public void LinearParts(double t, ReadOnlySpan<double> y, Span<double> a, Span<double> b)
    {
        a[0] = vInfinityMv / tauMs;
        b[0] = -1.0 / tauMs;
    }
}

/// <summary>Threshold V − V_th with reset to V_reset.</summary>
internal sealed class LifThreshold(double thresholdMv, double resetMv) : IThresholdEvents
{
    public int Count => 1;

    public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values) => values[0] = y[0] - thresholdMv;

    public void Apply(int index, double t, Span<double> y) => y[0] = resetMv;
}

/// <summary>The slides' LIF numbers and the closed-form spike times.</summary>
internal static class SlidesLif
{
    public const double RestMv = -65, ThresholdMv = -40, ResetMv = -70, DriveMv = 30, TauMs = 10;
    public const double VInfinityMv = RestMv + DriveMv; // −35 mV

    /// <summary>t_1 = τ ln((V_rest − V∞)/(V_th − V∞)), then period τ ln((V_reset − V∞)/(V_th − V∞)).</summary>
    public static List<double> SpikeTimes(double durationMs)
    {
        double first = TauMs * Math.Log((RestMv - VInfinityMv) / (ThresholdMv - VInfinityMv));
        double period = TauMs * Math.Log((ResetMv - VInfinityMv) / (ThresholdMv - VInfinityMv));
        var times = new List<double>();
        for (double t = first; t <= durationMs; t += period)
        {
            times.Add(t);
        }

        return times;
    }
}
