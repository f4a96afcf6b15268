using System.Numerics;
using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class FokkerPlanckTransferTests
{
    private static readonly DiffusionLifParameters s_neuron = new();

    [Fact]
    public void ZeroFrequency_EqualsSiegertDerivative_AndIsContinuous()
    {
        // χ(0) = ∂ν/∂μ; the 1000-cell operator is second order (rate error 2e-5), so 1e-3 relative to Siegert's
        // analytic derivative; χ(0.001 Hz) differs from χ(0) by O(ω) ~ 1e-4.
        Complex zero = FokkerPlanckTransfer.MuResponse(15, 5, s_neuron, 0);
        Complex low = FokkerPlanckTransfer.MuResponse(15, 5, s_neuron, 0.001);
        double siegert = Siegert.Evaluate(15, 5, s_neuron).DRateDMu;
        Assert.True(Math.Abs((zero.Real / siegert) - 1) < 1e-3, $"{zero} vs {siegert}");
        Assert.True(Complex.Abs(low - zero) < 1e-3 * Math.Abs(siegert), $"{low} vs {zero}");
    }

    [Fact]
    public void TenHertz_MatchesTimeDomainSimulationWithSmallModulation()
    {
        // μ = 15 + 0.01 cos(ωt), f = 10 Hz, σ = 5: the time-domain FP (Δt 0.005 ms, phase error ωΔt/2 ~ 2e-4) projected
        // on e^{-iωt} over the last 2 periods after 200 ms of transient (decay e^{-10}); nonlinearity O(μ1) ~ 1e-3.
        // Tolerance 1e-2 relative.
        const double f = 10, amplitude = 0.01;
        Complex chi = FokkerPlanckTransfer.MuResponse(15, 5, s_neuron, f);
        var fp = new FokkerPlanckIntegrator(s_neuron, 1000, 0.005, 15, 5);
        double nu0 = fp.RateHz, omega = 2 * Math.PI * f / 1000;
        int steps = (int)Math.Round(400 / fp.DtMs), start = (int)Math.Round(200 / fp.DtMs);
        Complex sum = 0;
        for (int k = 1; k <= steps; k++)
        {
            double t = k * fp.DtMs;
            double nu = fp.Step(15 + (amplitude * Math.Cos(omega * t)), 5);
            if (k > start)
            {
                sum += (nu - nu0) * Complex.FromPolarCoordinates(1, -omega * t);
            }
        }

        Complex measured = 2 * sum / (steps - start) / amplitude;
        Assert.True(Complex.Abs(measured - chi) < 1e-2 * Complex.Abs(chi), $"{measured} vs {chi}");
    }
}
