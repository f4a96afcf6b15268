using System.Numerics;
using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class BrunelStabilityTests
{
    private static readonly DiffusionLifParameters s_neuron = new();

    [Fact]
    public void SigmaResponse_AtLowFrequency_EqualsSiegertDerivative()
    {
        // chi_sigma(0+) = dnu/dsigma of the 1000-cell stationary rate: second order in dV, so 1e-4 relative to
        // Siegert's analytic derivative (measured 3e-7); chi_mu likewise (measured 1.5e-5).
        (Complex mu, Complex sigma) = FokkerPlanckTransfer.Response(15, 5, s_neuron, new Complex(0, 1e-6));
        SiegertResult siegert = Siegert.Evaluate(15, 5, s_neuron);
        Assert.True(Math.Abs((sigma.Real / siegert.DRateDSigma) - 1) < 1e-4, $"{sigma} vs {siegert.DRateDSigma}");
        Assert.True(Math.Abs((mu.Real / siegert.DRateDMu) - 1) < 1e-4, $"{mu} vs {siegert.DRateDMu}");
    }

    [Fact]
    public void SigmaResponse_TwentyHertz_MatchesTimeDomainSimulationWithSmallModulation()
    {
        // sigma = 5 + 0.01 cos(wt), f = 20 Hz, mu = 15: time-domain FP (dt 0.005 ms, phase error w dt/2 ~ 3e-4) projected
        // on e^{-iwt} over the last 4 periods after 200 ms of transient (decay e^{-10}); the nonlinearity is O(sigma1/sigma)
        // ~ 2e-3. Tolerance 1e-2 relative. The same wall as the operator (default for mu 15, sigma 5).
        const double f = 20, amplitude = 0.01;
        Complex chi = FokkerPlanckTransfer.Response(15, 5, s_neuron, new Complex(0, 2 * Math.PI * f / 1000)).Sigma;
        var fp = new FokkerPlanckIntegrator(s_neuron, 1000, 0.005, 15, 5);
        double nu0 = fp.RateHz, omega = 2 * Math.PI * f / 1000;
        int steps = (int)Math.Round(400 / fp.DtMs), start = (int)Math.Round(200 / fp.DtMs);
        Complex sum = 0;
        for (int k = 1; k <= steps; k++)
        {
            double t = k * fp.DtMs;
            double nu = fp.Step(15, 5 + (amplitude * Math.Cos(omega * t)));
            if (k > start)
            {
                sum += (nu - nu0) * Complex.FromPolarCoordinates(1, -omega * t);
            }
        }

        Complex measured = 2 * sum / (steps - start) / amplitude;
        Assert.True(Complex.Abs(measured - chi) < 1e-2 * Complex.Abs(chi), $"{measured} vs {chi}");
    }

    [Fact]
    public void Stability_AtZero_IsTheSlope_AndBrunelStatesAreClassifiedAsInTheFigure()
    {
        // Brunel (2000), Fig. 2A (D = 1.5 ms) and Fig. 8: A (g 3, eta 2) synchronous regular, B (g 6, eta 4) synchronous
        // irregular with fast oscillations (~180 Hz), C (g 5, eta 2) asynchronous irregular, D (g 4.5, eta 0.9)
        // synchronous irregular with slow oscillations. Measured here: A 2 unstable modes (660 Hz), B 2 (190 Hz),
        // C 0 (rightmost mode damped at -135/s, 124 Hz), D 2 (29 Hz); this project's own 12 500-neuron networks
        // show population-rate spectral peaks at 171 Hz (B), 108 Hz (C, damped resonance) and 22 Hz (D).
        (double G, double Eta, int Modes, double FMin, double FMax)[] cases =
        [
            (3, 2, 2, 300, 1000),
            (6, 4, 2, 150, 250),
            (5, 2, 0, 80, 200),
            (4.5, 0.9, 2, 15, 45),
        ];
        foreach ((double g, double eta, int modes, double fMin, double fMax) in cases)
        {
            var model = new BrunelModel(RelativeInhibition: g, ExternalRateRatio: eta);
            BrunelFixedPoint point = Assert.Single(BrunelNetwork.FixedPoints(model));
            BrunelStability stability = BrunelNetwork.Stability(model, point.RateHz);
            Assert.Equal(modes, stability.UnstableModes);
            Assert.Equal(modes == 0, stability.Stable);
            Assert.InRange(stability.FrequencyHz, fMin, fMax);
            Assert.Equal(modes > 0, stability.GrowthRatePerSecond > 0);
            Assert.True(Math.Abs(stability.Slope - point.Slope) < 1e-3 * Math.Max(1, Math.Abs(point.Slope)), $"{stability.Slope} vs {point.Slope}");
        }
    }

    [Fact]
    public void Stability_RateInstability_GivesAnOddCountAndARealRoot()
    {
        // J 0.2, g 3, eta 0.5: the middle fixed point has slope > 1, so 1 - H(0) < 0 and an odd number of modes
        // (a real positive root: the saddle between the quiescent and the high state).
        var model = new BrunelModel(EfficacyMv: 0.2, RelativeInhibition: 3, ExternalRateRatio: 0.5);
        BrunelFixedPoint middle = BrunelNetwork.FixedPoints(model)[1];
        BrunelStability stability = BrunelNetwork.Stability(model, middle.RateHz);
        Assert.True(middle.Slope > 1);
        Assert.Equal(1, stability.UnstableModes % 2);
        Complex root = Assert.NotNull(stability.RightmostRootPerMs);
        Assert.True(root.Real > 0);
    }
}
