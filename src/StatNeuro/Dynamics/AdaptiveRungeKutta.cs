namespace StatNeuro.Dynamics;

/// <summary>
/// Adaptive explicit Runge–Kutta solver with an embedded error estimate (default: Dormand–Prince 5(4)), rtol/atol
/// error control, a PI step-size controller, automatic initial step, dense output for <see cref="SolveOptions.SaveAt"/>
/// and precise threshold events.
/// </summary>
/// <remarks>
/// <para>Error estimate: e = h Σ_i (b_i − b̂_i) k_i; the step is accepted when
/// ‖e‖ = sqrt((1/n) Σ_i (e_i / sc_i)²) ≤ 1 with sc_i = atol + rtol·max(|y_i|, |y_new,i|) (Hairer, Nørsett &amp;
/// Wanner 1993, <i>Solving ODEs I</i>, §II.4, eq. 4.11). The solution is propagated with the higher-order weights b
/// (local extrapolation).</para>
/// <para>Step control (PI, Gustafsson 1991; HNW §IV.2): h_new = h · clamp(0.9 ‖e_n‖^{−α} ‖e_{n−1}‖^{β}, 0.2, 10) with
/// β = 0.04, α = 1/(q+1) − 0.75β, q = min(p, p̂); after a rejection the growth factor is capped at 1.
/// The initial step follows HNW §II.4 ("Starting step size").</para>
/// <para>Dense output: the tableau's continuous extension (for DOPRI5 the free fourth-order interpolant) or, when the
/// tableau has none, cubic Hermite interpolation from the step's end derivatives. Precise events are located on it
/// by Illinois regula falsi to <see cref="SolveOptions.EventTimeTolerance"/>, applied, and the integration restarted
/// from the event time.</para>
/// <para>Failure is a status: step below <see cref="SolveOptions.MinimumStep"/> → <see cref="SolveStatus.StepSizeTooSmall"/>,
/// more than <see cref="SolveOptions.MaxSteps"/> accepted steps → <see cref="SolveStatus.MaxStepsExceeded"/>, and a
/// non-finite stage that persists down to the minimum step → <see cref="SolveStatus.NonFinite"/>.</para>
/// </remarks>
/// <param name="tableau">An explicit tableau with embedded weights.</param>
public sealed class AdaptiveRungeKutta(ButcherTableau tableau) : IOdeSolver
{
    private const double Safety = 0.9;
    private const double Beta = 0.04;
    private const double MinFactor = 0.2;
    private const double MaxFactor = 10.0;

    /// <summary>Creates a Dormand–Prince 5(4) solver.</summary>
    public AdaptiveRungeKutta()
        : this(ButcherTableaus.DormandPrince54)
    {
    }

    /// <summary>The method's tableau.</summary>
    public ButcherTableau Tableau { get; } = Check(tableau);

    /// <inheritdoc/>
    public string Name => Tableau.Name + " (adaptive)";

    /// <inheritdoc/>
    public OdeSolution Solve<TSystem>(OdeProblem<TSystem> problem, SolveOptions options, IThresholdEvents? events = null)
        where TSystem : IOdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var run = new Run<TSystem>(Tableau, problem.System);
        return run.Solve(problem.InitialState, problem.StartTime, problem.EndTime, options, events);
    }

    private static ButcherTableau Check(ButcherTableau tableau)
    {
        ArgumentNullException.ThrowIfNull(tableau);
        tableau.Validate();
        if (tableau.BEmbedded is null)
        {
            throw new ArgumentException($"Tableau '{tableau.Name}' has no embedded weights; adaptive stepping needs an error estimate.", nameof(tableau));
        }

        return tableau;
    }

    internal static double ErrorNorm(ReadOnlySpan<double> error, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1, double atol, double rtol)
    {
        double sum = 0;
        for (int i = 0; i < error.Length; i++)
        {
            double sc = atol + rtol * Math.Max(Math.Abs(y0[i]), Math.Abs(y1[i]));
            double r = error[i] / sc;
            sum += r * r;
        }

        return Math.Sqrt(sum / error.Length);
    }

    /// <summary>One integration run: stage buffers, dense output and the step loop.</summary>
    private sealed class Run<TSystem> : IDenseOutput
        where TSystem : IOdeSystem
    {
        private readonly ButcherTableau _tableau;
        private readonly int _n;
        private readonly int _s;
        private readonly double[] _a;
        private readonly double[] _b;
        private readonly double[] _e;
        private readonly double[] _c;
        private readonly double[] _k;
        private readonly double[] _stage;
        private readonly double[] _y;
        private readonly double[] _yNew;
        private readonly double[] _error;
        private readonly double[] _denseWeights;
        private readonly double[] _fNext;
        private readonly bool _fsal;
        private readonly HermiteInterpolant? _hermite;
        private TSystem _system;
        private long _evaluations;

        // Dense-output step data: [_denseT0, _denseT0 + _denseH] from _denseY0 with stages _k.
        private readonly double[] _denseY0;
        private double _denseT0;
        private double _denseH;

        public Run(ButcherTableau tableau, TSystem system)
        {
            _tableau = tableau;
            _system = system;
            _n = system.Dimension;
            _s = tableau.Stages;
            _a = new double[_s * _s];
            for (int i = 0; i < _s; i++)
            {
                for (int j = 0; j < _s; j++)
                {
                    _a[i * _s + j] = tableau.A[i, j];
                }
            }

            _b = tableau.B;
            _e = new double[_s];
            for (int i = 0; i < _s; i++)
            {
                _e[i] = tableau.B[i] - tableau.BEmbedded![i];
            }

            _c = tableau.C;
            _k = new double[_s * _n];
            _stage = new double[_n];
            _y = new double[_n];
            _yNew = new double[_n];
            _error = new double[_n];
            _denseY0 = new double[_n];
            _denseWeights = new double[_s];
            _fNext = new double[_n];
            _fsal = tableau.IsFirstSameAsLast;
            _hermite = tableau.DenseOutput is null ? new HermiteInterpolant(_n) : null;
        }

        public void Evaluate(double t, Span<double> y)
        {
            if (_hermite is not null)
            {
                _hermite.Evaluate(t, y);
                return;
            }

            double theta = _denseH == 0 ? 1 : (t - _denseT0) / _denseH;
            _tableau.DenseWeights(theta, _denseWeights);
            for (int m = 0; m < _n; m++)
            {
                double acc = 0;
                for (int i = 0; i < _s; i++)
                {
                    acc += _denseWeights[i] * _k[i * _n + m];
                }

                y[m] = _denseY0[m] + _denseH * acc;
            }
        }

        public OdeSolution Solve(double[] initialState, double t0, double t1, SolveOptions options, IThresholdEvents? events)
        {
            ArgumentNullException.ThrowIfNull(initialState);
            if (initialState.Length != _n)
            {
                throw new ArgumentException($"Initial state has length {initialState.Length}; the system has dimension {_n}.", nameof(initialState));
            }

            if (!double.IsFinite(t0) || !double.IsFinite(t1) || !(t1 > t0))
            {
                throw new ArgumentException($"The time span must be finite with EndTime > StartTime (got {t0} to {t1}).", nameof(t1));
            }

            double atol = options.AbsoluteTolerance;
            double rtol = options.RelativeTolerance;
            if (!(atol >= 0) || !(rtol >= 0) || atol + rtol <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Tolerances must be non-negative and not both zero.");
            }

            double hMax = Math.Min(options.MaximumStep, t1 - t0);
            int q = Math.Min(_tableau.Order, _tableau.EmbeddedOrder);
            double alpha = 1.0 / (q + 1) - 0.75 * Beta;

            Array.Copy(initialState, _y, _n);
            var recorder = new SolutionRecorder(_n, options);
            recorder.SaveInitial(t0, _y);
            EventLocator? locator = events is null ? null : new EventLocator(events, _n, options.EventTimeTolerance);
            locator?.Initialize(t0, _y);
            bool precise = options.EventMode == EventMode.Precise;
            var yPre = new double[_n];
            var yEnd = new double[_n];

            Span<double> k0 = _k.AsSpan(0, _n);
            Derivative(t0, _y, k0);
            double h = options.StepSize ?? InitialStep(t0, atol, rtol, hMax);
            h = Math.Min(Math.Abs(h), hMax);

            double t = t0;
            double errorOld = 1e-4;
            bool lastRejected = false;
            long accepted = 0;
            long rejected = 0;
            SolveStatus status = SolveStatus.Success;
            while (t < t1)
            {
                if (accepted >= options.MaxSteps)
                {
                    status = SolveStatus.MaxStepsExceeded;
                    break;
                }

                if (h < options.MinimumStep)
                {
                    status = SolveStatus.StepSizeTooSmall;
                    break;
                }

                // Stretch to the end point instead of leaving a sliver.
                bool last = t + 1.01 * h >= t1;
                double step = last ? t1 - t : h;
                double tNew = last ? t1 : t + step;

                TakeStep(t, step);
                double err = ErrorNorm(_error, _y, _yNew, atol, rtol);
                if (!double.IsFinite(err) || !FixedStepDriver.AllFinite(_yNew))
                {
                    rejected++;
                    h = step * 0.25;
                    lastRejected = true;
                    if (h < options.MinimumStep)
                    {
                        status = SolveStatus.NonFinite;
                        break;
                    }

                    continue;
                }

                if (err > 1)
                {
                    rejected++;
                    h = step * Math.Max(MinFactor, Safety * Math.Pow(err, -alpha));
                    lastRejected = true;
                    continue;
                }

                // Accepted: set up the dense output over [t, tNew].
                accepted++;
                _denseT0 = t;
                _denseH = tNew - t;
                Array.Copy(_y, _denseY0, _n);
                Array.Copy(_yNew, _y, _n);
                // f(tNew, yNew) for the next first stage: free with FSAL, one evaluation otherwise. Stage k_1 of this
                // step stays in place until the dense output is no longer needed.
                if (_fsal)
                {
                    Array.Copy(_k, (_s - 1) * _n, _fNext, 0, _n);
                }
                else
                {
                    Derivative(tNew, _y, _fNext);
                }

                if (_hermite is not null)
                {
                    _hermite.Set(_denseT0, tNew);
                    _denseY0.CopyTo(_hermite.StartState);
                    _y.CopyTo(_hermite.EndState);
                    k0.CopyTo(_hermite.StartDerivative);
                    _fNext.CopyTo(_hermite.EndDerivative);
                }

                double fac = Safety * Math.Pow(err, -alpha) * Math.Pow(errorOld, Beta);
                fac = Math.Clamp(double.IsFinite(fac) ? fac : MaxFactor, MinFactor, lastRejected ? 1.0 : MaxFactor);
                errorOld = Math.Max(err, 1e-4);
                lastRejected = false;
                double hNext = Math.Min(step * fac, hMax);

                bool terminate = false;
                if (locator is not null && locator.CheckEnd(tNew, _y))
                {
                    if (precise)
                    {
                        (double tEvent, terminate, bool changed) = locator.LocateInStep(this, t, tNew, _y, yPre, yEnd, recorder);
                        if (changed)
                        {
                            // The state jumped at the event time: restart there with a fresh first stage.
                            tNew = tEvent;
                            Derivative(tNew, _y, k0);
                        }
                        else
                        {
                            _fNext.CopyTo(k0);
                        }
                    }
                    else
                    {
                        recorder.SaveSegment(tNew, this, _y);
                        recorder.EventState(tNew, _y);
                        terminate = locator.FireAtGrid(tNew, _y);
                        recorder.EventState(tNew, _y);
                        Derivative(tNew, _y, k0);
                    }
                }
                else
                {
                    recorder.SaveSegment(tNew, this, _y);
                    locator?.Advance();
                    _fNext.CopyTo(k0);
                }

                t = tNew;
                h = hNext;
                if (terminate)
                {
                    status = SolveStatus.Terminated;
                    break;
                }

                recorder.StepAccepted(t, _y, t >= t1);
            }

            recorder.EnsureFinal(t, _y);
            var statistics = new SolverStatistics(accepted, rejected, _evaluations, 0);
            return recorder.Build(status, statistics, locator?.Occurrences);
        }

        private void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            _system.Derivative(t, y, dydt);
            _evaluations++;
        }

        // Stages 2..s from _y with k_1 already in place; writes _yNew and _error.
        private void TakeStep(double t, double h)
        {
            int n = _n;
            int s = _s;
            for (int i = 1; i < s; i++)
            {
                for (int m = 0; m < n; m++)
                {
                    double acc = 0;
                    for (int j = 0; j < i; j++)
                    {
                        double aij = _a[i * s + j];
                        if (aij != 0)
                        {
                            acc += aij * _k[j * n + m];
                        }
                    }

                    _stage[m] = _y[m] + h * acc;
                }

                // For FSAL the last stage is evaluated at y_new itself.
                Derivative(t + _c[i] * h, _stage, _k.AsSpan(i * n, n));
            }

            for (int m = 0; m < n; m++)
            {
                double acc = 0;
                double err = 0;
                for (int i = 0; i < s; i++)
                {
                    double ki = _k[i * n + m];
                    acc += _b[i] * ki;
                    err += _e[i] * ki;
                }

                _yNew[m] = _y[m] + h * acc;
                _error[m] = h * err;
            }
        }

        private double InitialStep(double t0, double atol, double rtol, double hMax)
        {
            // HNW 1993, §II.4: h0 from ‖y0‖/‖f0‖, then h1 from the second-derivative estimate, h = min(100 h0, h1).
            ReadOnlySpan<double> f0 = _k.AsSpan(0, _n);
            double d0 = 0, d1 = 0;
            for (int i = 0; i < _n; i++)
            {
                double sc = atol + rtol * Math.Abs(_y[i]);
                d0 += Math.Pow(_y[i] / sc, 2);
                d1 += Math.Pow(f0[i] / sc, 2);
            }

            d0 = Math.Sqrt(d0 / _n);
            d1 = Math.Sqrt(d1 / _n);
            double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
            h0 = Math.Min(h0, hMax);
            for (int i = 0; i < _n; i++)
            {
                _stage[i] = _y[i] + h0 * f0[i];
            }

            Span<double> f1 = _yNew; // scratch
            Derivative(t0 + h0, _stage, f1);
            double d2 = 0;
            for (int i = 0; i < _n; i++)
            {
                double sc = atol + rtol * Math.Abs(_y[i]);
                d2 += Math.Pow((f1[i] - f0[i]) / sc, 2);
            }

            d2 = Math.Sqrt(d2 / _n) / h0;
            double dm = Math.Max(d1, d2);
            double h1 = dm <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dm, 1.0 / (_tableau.Order + 1));
            double h = Math.Min(100 * h0, h1);
            return double.IsFinite(h) && h > 0 ? Math.Min(h, hMax) : Math.Min(1e-6, hMax);
        }
    }
}
