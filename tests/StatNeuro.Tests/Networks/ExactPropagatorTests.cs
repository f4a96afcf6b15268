using StatNeuro.Networks;

namespace StatNeuro.Tests.Networks;

public class ExactPropagatorTests
{
    // Input spikes: (source neuron, time ms); source neuron k has weight Weights[k] (mV) onto receptor "e" or "i".
    private static readonly (int Neuron, double TimeMs)[] s_input = [(0, 2.0), (1, 7.3), (0, 15.0), (2, 15.0), (1, 40.1), (2, 61.7)];
    private static readonly double[] s_weights = [3.0, 1.7, -2.2];

    [Fact]
    public void LifExp_DrivenBySpikes_MatchesClosedForm()
    {
        // One iaf_psc_exp neuron (threshold out of reach) driven by a known spike sequence, E_L = 0 so that the
        // rounding of v stays at the 1e-15 level; the exact propagator must match the closed form to 1e-12 (it is
        // exact up to rounding).
        const double tauM = 20, tauE = 5, tauI = 10, v0 = -5, h = 0.1;
        var net = new Network(h);
        var src = net.Add(new SpikeSourcePopulation("src", 3, s_input));
        var neuron = net.Add(new LifExpPopulation("n", 1) { TauM = tauM, TauE = tauE, TauI = tauI, RestPotential = 0, Threshold = 1e9, InitialV = InitialValue.Constant(v0) });
        var pairsE = new List<(int, int)> { (0, 0), (1, 0) };
        net.Connect(src, neuron, "e", new ConnectionSpec(new ConnectionRule.ExplicitList(pairsE, [s_weights[0], s_weights[1]]), ValueSpec.Constant(0), ValueSpec.Constant(0)));
        net.Connect(src, neuron, "i", new ConnectionSpec(new ConnectionRule.ExplicitList([(2, 0)], [s_weights[2]]), ValueSpec.Constant(0), ValueSpec.Constant(0)));
        SimulationResult r = net.Run(100, new RunOptions { StateMonitors = [new StateMonitorSpec("n", "v", [0])] });
        StateTrace trace = r.States[0];
        double maxError = 0;
        for (int k = 0; k < trace.TimesMs.Count; k++)
        {
            double t = trace.TimesMs[k];
            double expected = v0 * Math.Exp(-t / tauM);
            foreach ((int j, double ts) in s_input)
            {
                // A spike at step s acts from t = (s + 1) h (Brian2's schedule).
                double a = (Math.Round(ts / h) + 1) * h;
                double tau = j == 2 ? tauI : tauE;
                if (t >= a - 1e-9)
                {
                    expected += s_weights[j] * tau / (tau - tauM) * (Math.Exp(-(t - a) / tau) - Math.Exp(-(t - a) / tauM));
                }
            }

            maxError = Math.Max(maxError, Math.Abs(trace.Values[k][0] - expected));
        }

        Assert.True(maxError < 1e-12, $"max |v - closed form| = {maxError:E2}");
    }

    [Theory]
    [InlineData(20.0, 5.0, 10.0)]
    [InlineData(10.0, 10.0, 2.0)]
    public void LifAlpha_DrivenBySpikes_MatchesClosedForm(double tauM, double tauE, double tauI)
    {
        // One iaf_psc_alpha neuron (threshold out of reach) driven by a known spike sequence. A spike of weight w acting
        // from a adds I(s) = w (e/τ) s e^{-s/τ}, s = t - a, and τ_m du/ds = -u + I has the solution (independent of the
        // propagator's form) u(s) = B [(s - 1/α) e^{-s/τ} + (1/α) e^{-s/τ_m}], B = w (e/τ)/(τ_m α), α = 1/τ_m - 1/τ, and
        // u(s) = w (e/τ) s² e^{-s/τ}/(2 τ_m) for τ = τ_m (second case: τ_e = τ_m). Exact up to rounding: 1e-12.
        const double v0 = -5, h = 0.1;
        var net = new Network(h);
        var src = net.Add(new SpikeSourcePopulation("src", 3, s_input));
        var neuron = net.Add(new LifAlphaPopulation("n", 1) { TauM = tauM, TauE = tauE, TauI = tauI, RestPotential = 0, Threshold = 1e9, InitialV = InitialValue.Constant(v0) });
        net.Connect(src, neuron, "e", new ConnectionSpec(new ConnectionRule.ExplicitList([(0, 0), (1, 0)], [s_weights[0], s_weights[1]]), ValueSpec.Constant(0), ValueSpec.Constant(0)));
        net.Connect(src, neuron, "i", new ConnectionSpec(new ConnectionRule.ExplicitList([(2, 0)], [s_weights[2]]), ValueSpec.Constant(0), ValueSpec.Constant(0)));
        SimulationResult r = net.Run(100, new RunOptions { StateMonitors = [new StateMonitorSpec("n", "v", [0]), new StateMonitorSpec("n", "ie", [0])] });
        double maxError = 0, maxCurrentError = 0;
        for (int k = 0; k < r.States[0].TimesMs.Count; k++)
        {
            double t = r.States[0].TimesMs[k];
            double expected = v0 * Math.Exp(-t / tauM), current = 0;
            foreach ((int j, double ts) in s_input)
            {
                double a = (Math.Round(ts / h) + 1) * h;
                double tau = j == 2 ? tauI : tauE;
                double s = t - a;
                if (s < -1e-9)
                {
                    continue;
                }

                double w = s_weights[j];
                if (Math.Abs(tau - tauM) < 1e-12)
                {
                    expected += w * Math.E / tau * s * s * Math.Exp(-s / tau) / (2 * tauM);
                }
                else
                {
                    double alpha = 1 / tauM - 1 / tau, b = w * Math.E / tau / (tauM * alpha);
                    expected += b * (((s - 1 / alpha) * Math.Exp(-s / tau)) + (Math.Exp(-s / tauM) / alpha));
                }

                if (j != 2)
                {
                    current += w * Math.E / tau * s * Math.Exp(-s / tau);
                }
            }

            maxError = Math.Max(maxError, Math.Abs(r.States[0].Values[k][0] - expected));
            maxCurrentError = Math.Max(maxCurrentError, Math.Abs(r.States[1].Values[k][0] - current));
        }

        Assert.True(maxError < 1e-12, $"max |v - closed form| = {maxError:E2}");
        Assert.True(maxCurrentError < 1e-12, $"max |I_e - closed form| = {maxCurrentError:E2}");
    }

    [Fact]
    public void LifAlpha_AuxiliaryCoupling_SeriesAgreesWithClosedForm()
    {
        // Near a = 1/τ_m - 1/τ = 0 the coefficient is summed as a series; away from it the closed form
        // (e/τ)(1/τ_m) e^{-h/τ_m}[e^{ah}(ah - 1) + 1]/a² is accurate. Both must agree where they meet (|ah| = 0.5).
        const double h = 1.0, tauM = 20;
        double tauX = 1 / ((1 / tauM) + (0.4999999 / h));
        double a = (1 / tauM) - (1 / tauX);
        double closed = Math.E / tauX / tauM * Math.Exp(-h / tauM) * ((Math.Exp(a * h) * ((a * h) - 1)) + 1) / (a * a);
        Assert.Equal(closed, LifAlphaPopulation.AuxiliaryToVoltage(h, tauX, tauM), 1e-14);
        Assert.Equal(Math.E / 10 / 10 * Math.Exp(-0.1 / 10) * 0.1 * 0.1 / 2, LifAlphaPopulation.AuxiliaryToVoltage(0.1, 10, 10), 1e-16);
    }

    [Fact]
    public void LifDelta_WithDelay_MatchesClosedForm()
    {
        // Delta synapses with a 1.5 ms delay: v(t) = v0 e^{-t/τ} + Σ J_k e^{-(t - a_k)/τ} for t > a_k, a_k = (s_k + 15 + 1) h.
        // The monitor records the left limit v(t_n-) (jumps arriving at t_n are applied in the update of step n).
        const double tau = 20, v0 = 3, h = 0.1;
        var net = new Network(h);
        var src = net.Add(new SpikeSourcePopulation("src", 3, s_input));
        var neuron = net.Add(new LifDeltaPopulation("n", 1) { TauM = tau, Threshold = 1e9, InitialV = InitialValue.Constant(v0) });
        net.Connect(src, neuron, "v", new ConnectionSpec(new ConnectionRule.ExplicitList([(0, 0), (1, 0), (2, 0)], s_weights), ValueSpec.Constant(0), ValueSpec.Constant(1.5)));
        SimulationResult r = net.Run(100, new RunOptions { StateMonitors = [new StateMonitorSpec("n", "v", [0])] });
        StateTrace trace = r.States[0];
        double maxError = 0;
        for (int k = 0; k < trace.TimesMs.Count; k++)
        {
            double t = trace.TimesMs[k];
            double expected = v0 * Math.Exp(-t / tau);
            foreach ((int j, double ts) in s_input)
            {
                double a = (Math.Round(ts / h) + 15 + 1) * h;
                if (t > a + 1e-9)
                {
                    expected += s_weights[j] * Math.Exp(-(t - a) / tau);
                }
            }

            maxError = Math.Max(maxError, Math.Abs(trace.Values[k][0] - expected));
        }

        Assert.True(maxError < 1e-12, $"max |v - closed form| = {maxError:E2}");
    }

    [Fact]
    public void LifExp_ConstantDrive_FiresAtClosedFormTimes_WithRefractoryClamp()
    {
        // No input, E_L = -49 above threshold -50 from v0 = -60: first crossing at t* = τ ln((E_L - v0)/(E_L - θ))
        // = 20 ln 11 = 47.958 ms; the step-based threshold fires at the first step end after t*, stamped with the
        // start of that step: floor(t*/h) h. After the spike v is held 5 ms, so the next spike is 5 ms + t* later.
        var net = new Network(0.1);
        net.Add(new LifExpPopulation("n", 1) { InitialV = InitialValue.Constant(-60) });
        SimulationResult r = net.Run(120);
        double tStar = 20 * Math.Log(11);
        int firstStep = (int)Math.Floor(tStar / 0.1);
        Assert.Equal(firstStep, r.SpikeSteps[0]);

        // Second spike: v is clamped during steps s+1..s+49 and integrates from the end of step s+49 (t = (s+50) h).
        int secondStep = firstStep + 50 + (int)Math.Floor(tStar / 0.1);
        Assert.Equal(secondStep, r.SpikeSteps[1]);
    }

    [Fact]
    public void CurrentToVoltage_EqualTimeConstants_IsTheLimit()
    {
        // τ_x -> τ_m: τ_x/(τ_x - τ_m)(e^{-h/τ_x} - e^{-h/τ_m}) -> (h/τ_m) e^{-h/τ_m}; check continuity to 1e-9.
        double limit = LifExpPopulation.CurrentToVoltage(0.1, 20, 20);
        Assert.Equal(0.1 / 20 * Math.Exp(-0.1 / 20), limit, 1e-15);
        Assert.Equal(limit, LifExpPopulation.CurrentToVoltage(0.1, 20 + 1e-6, 20), 1e-9);
    }
}
