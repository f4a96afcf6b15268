namespace StatNeuro.Dynamics;

/// <summary>
/// Adaptive linearly implicit Rosenbrock (W-) method of order 2 with a third-order error estimate — Shampine &amp;
/// Reichelt's <c>ode23s</c> (1997, "The MATLAB ODE suite", SIAM J. Sci. Comput. 18:1–22). L-stable; for stiff
/// systems. No Newton iteration: each step solves three linear systems with W = I − h d J.
/// </summary>
/// <remarks>
/// <para>With d = 1/(2 + √2), e₃₂ = 6 + √2, J = ∂f/∂y and T = ∂f/∂t at (t_n, y_n), F₀ = f(t_n, y_n):</para>
/// <para>W k₁ = F₀ + h d T;  F₁ = f(t_n + h/2, y_n + (h/2) k₁);  W (k₂ − k₁) = F₁ − k₁;
/// y_{n+1} = y_n + h k₂;  F₂ = f(t_{n+1}, y_{n+1});
/// W k₃ = F₂ − e₃₂ (k₂ − F₁) − 2 (k₁ − F₀) + h d T;  error e = (h/6)(k₁ − 2k₂ + k₃).</para>
/// <para>The error is measured in the Hairer norm (as <see cref="AdaptiveRungeKutta"/>); h_new = h·clamp(0.9‖e‖^{−1/3}, 0.2, 5).
/// Dense output: cubic Hermite from y_n, y_{n+1}, F₀ and F₂ (all computed anyway; third order, more accurate for
/// event location than the second-order ode23s interpolant). F₂ is reused as the next F₀ (FSAL). J is analytic from <see cref="IJacobianSystem"/> or by forward differences; T by a forward difference.
/// A singular W or a non-finite stage shrinks the step; at <see cref="SolveOptions.MinimumStep"/> the status is
/// <see cref="SolveStatus.ConvergenceFailure"/> (singular) or <see cref="SolveStatus.NonFinite"/>.</para>
/// </remarks>
public sealed class Rosenbrock23 : IOdeSolver
{
    private static readonly double s_d = 1.0 / (2.0 + Math.Sqrt(2.0));
    private static readonly double s_e32 = 6.0 + Math.Sqrt(2.0);

    /// <inheritdoc/>
    public string Name => "Rosenbrock23";

    /// <inheritdoc/>
    public OdeSolution Solve<TSystem>(OdeProblem<TSystem> problem, SolveOptions options, IThresholdEvents? events = null)
        where TSystem : IOdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        return new Run<TSystem>(problem.System).Solve(problem.InitialState, problem.StartTime, problem.EndTime, options, events);
    }

    private sealed class Run<TSystem> : IDenseOutput
        where TSystem : IOdeSystem
    {
        private readonly JacobianEvaluator<TSystem> _eval;
        private readonly int _n;
        private readonly double[] _y;
        private readonly double[] _yNew;
        private readonly double[] _f0;
        private readonly double[] _f1;
        private readonly double[] _f2;
        private readonly double[] _k1;
        private readonly double[] _k2;
        private readonly double[] _k3;
        private readonly double[] _dfdt;
        private readonly double[] _jac;
        private readonly double[] _w;
        private readonly int[] _pivots;
        private readonly double[] _tmp;
        private readonly double[] _error;
        private readonly HermiteInterpolant _hermite;

        public Run(TSystem system)
        {
            _n = system.Dimension;
            _eval = new JacobianEvaluator<TSystem>(system);
            int n = _n;
            _y = new double[n];
            _yNew = new double[n];
            _f0 = new double[n];
            _f1 = new double[n];
            _f2 = new double[n];
            _k1 = new double[n];
            _k2 = new double[n];
            _k3 = new double[n];
            _dfdt = new double[n];
            _jac = new double[n * n];
            _w = new double[n * n];
            _pivots = new int[n];
            _tmp = new double[n];
            _error = new double[n];
            _hermite = new HermiteInterpolant(n);
        }

        public void Evaluate(double t, Span<double> y) => _hermite.Evaluate(t, y);

        public OdeSolution Solve(double[] initialState, double t0, double t1, SolveOptions options, IThresholdEvents? events)
        {
            ArgumentNullException.ThrowIfNull(initialState);
            int n = _n;
            if (initialState.Length != n)
            {
                throw new ArgumentException($"Initial state has length {initialState.Length}; the system has dimension {n}.", nameof(initialState));
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
            Array.Copy(initialState, _y, n);
            var recorder = new SolutionRecorder(n, options);
            recorder.SaveInitial(t0, _y);
            EventLocator? locator = events is null ? null : new EventLocator(events, n, options.EventTimeTolerance);
            locator?.Initialize(t0, _y);
            bool precise = options.EventMode == EventMode.Precise;
            var yPre = new double[n];
            var yEnd = new double[n];

            _eval.Derivative(t0, _y, _f0);
            double h = Math.Min(options.StepSize ?? InitialStep(t0, atol, rtol, hMax), hMax);
            double d = s_d;
            double t = t0;
            long accepted = 0, rejected = 0;
            bool jacobianCurrent = false;
            bool lastRejected = false;
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

                bool last = t + 1.01 * h >= t1;
                double step = last ? t1 - t : h;
                double tNew = last ? t1 : t + step;

                if (!jacobianCurrent)
                {
                    _eval.Evaluate(t, _y, _f0, _jac);
                    _eval.TimeDerivative(t, _y, _f0, _dfdt);
                    jacobianCurrent = true;
                }

                // W = I − h d J
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        _w[i * n + j] = (i == j ? 1.0 : 0.0) - step * d * _jac[i * n + j];
                    }
                }

                bool ok = DenseLu.Factor(_w, n, _pivots);
                if (ok)
                {
                    ok = Stages(t, step, d);
                }

                double err = ok ? AdaptiveRungeKutta.ErrorNorm(_error, _y, _yNew, atol, rtol) : double.NaN;
                if (!ok || !double.IsFinite(err))
                {
                    rejected++;
                    h = step * 0.25;
                    lastRejected = true;
                    if (h < options.MinimumStep)
                    {
                        status = ok ? SolveStatus.NonFinite : SolveStatus.ConvergenceFailure;
                        break;
                    }

                    continue;
                }

                if (err > 1)
                {
                    rejected++;
                    h = step * Math.Max(0.2, 0.9 * Math.Pow(err, -1.0 / 3));
                    lastRejected = true;
                    continue;
                }

                accepted++;
                _hermite.Set(t, tNew);
                _y.CopyTo(_hermite.StartState);
                _yNew.CopyTo(_hermite.EndState);
                _f0.CopyTo(_hermite.StartDerivative);
                _f2.CopyTo(_hermite.EndDerivative);
                Array.Copy(_yNew, _y, n);
                Array.Copy(_f2, _f0, n); // FSAL
                jacobianCurrent = false;
                double fac = Math.Clamp(0.9 * Math.Pow(Math.Max(err, 1e-10), -1.0 / 3), 0.2, lastRejected ? 1.0 : 5.0);
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
                            _eval.Derivative(tNew, _y, _f0);
                        }
                        else
                        {
                            // F2 of this step stays the next F0.
                        }
                    }
                    else
                    {
                        recorder.SaveSegment(tNew, this, _y);
                        recorder.EventState(tNew, _y);
                        terminate = locator.FireAtGrid(tNew, _y);
                        recorder.EventState(tNew, _y);
                        _eval.Derivative(tNew, _y, _f0);
                    }
                }
                else
                {
                    recorder.SaveSegment(tNew, this, _y);
                    locator?.Advance();
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
            var statistics = new SolverStatistics(accepted, rejected, _eval.FunctionEvaluations, _eval.JacobianEvaluations);
            return recorder.Build(status, statistics, locator?.Occurrences);
        }

        // The three stages with W factored in _w; false when a stage is non-finite.
        private bool Stages(double t, double h, double d)
        {
            int n = _n;
            for (int i = 0; i < n; i++)
            {
                _k1[i] = _f0[i] + h * d * _dfdt[i];
            }

            DenseLu.Solve(_w, n, _pivots, _k1);
            for (int i = 0; i < n; i++)
            {
                _tmp[i] = _y[i] + 0.5 * h * _k1[i];
            }

            _eval.Derivative(t + 0.5 * h, _tmp, _f1);
            for (int i = 0; i < n; i++)
            {
                _k2[i] = _f1[i] - _k1[i];
            }

            DenseLu.Solve(_w, n, _pivots, _k2);
            for (int i = 0; i < n; i++)
            {
                _k2[i] += _k1[i];
                _yNew[i] = _y[i] + h * _k2[i];
            }

            if (!FixedStepDriver.AllFinite(_yNew))
            {
                return false;
            }

            _eval.Derivative(t + h, _yNew, _f2);
            for (int i = 0; i < n; i++)
            {
                _k3[i] = _f2[i] - s_e32 * (_k2[i] - _f1[i]) - 2 * (_k1[i] - _f0[i]) + h * d * _dfdt[i];
            }

            DenseLu.Solve(_w, n, _pivots, _k3);
            for (int i = 0; i < n; i++)
            {
                _error[i] = h / 6 * (_k1[i] - 2 * _k2[i] + _k3[i]);
            }

            return FixedStepDriver.AllFinite(_error);
        }

        private double InitialStep(double t0, double atol, double rtol, double hMax)
        {
            // HNW 1993, §II.4 with p = 2.
            double d0 = 0, d1 = 0;
            for (int i = 0; i < _n; i++)
            {
                double sc = atol + rtol * Math.Abs(_y[i]);
                d0 += Math.Pow(_y[i] / sc, 2);
                d1 += Math.Pow(_f0[i] / sc, 2);
            }

            d0 = Math.Sqrt(d0 / _n);
            d1 = Math.Sqrt(d1 / _n);
            double h0 = Math.Min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1, hMax);
            for (int i = 0; i < _n; i++)
            {
                _tmp[i] = _y[i] + h0 * _f0[i];
            }

            _eval.Derivative(t0 + h0, _tmp, _f1);
            double d2 = 0;
            for (int i = 0; i < _n; i++)
            {
                double sc = atol + rtol * Math.Abs(_y[i]);
                d2 += Math.Pow((_f1[i] - _f0[i]) / sc, 2);
            }

            d2 = Math.Sqrt(d2 / _n) / h0;
            double dm = Math.Max(d1, d2);
            double h1 = dm <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dm, 1.0 / 3);
            double h = Math.Min(100 * h0, h1);
            return double.IsFinite(h) && h > 0 ? Math.Min(h, hMax) : Math.Min(1e-6, hMax);
        }
    }
}
