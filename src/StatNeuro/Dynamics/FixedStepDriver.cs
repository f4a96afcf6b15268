namespace StatNeuro.Dynamics;

/// <summary>One fixed-step method bound to a system (the solvers' inner kernel).</summary>
internal interface IFixedStepKernel
{
    int Dimension { get; }

    long FunctionEvaluations { get; }

    long JacobianEvaluations { get; }

    /// <summary>Advances y by h in place; false when an implicit solve failed to converge.</summary>
    bool TryStep(double t, Span<double> y, double h);

    void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt);
}

/// <summary>
/// The shared loop of the fixed-step solvers: grid t_k = t0 + k h (the last step ends exactly at t1), saving,
/// non-finite detection, and threshold events (grid or precise with a cubic Hermite interpolant and a restart of
/// the remaining part of the step from the event time, as NEST's <c>_ps</c> models do).
/// </summary>
internal static class FixedStepDriver
{
    public static OdeSolution Run<TKernel>(TKernel kernel, double[] initialState, double t0, double t1, SolveOptions options, IThresholdEvents? events)
        where TKernel : IFixedStepKernel
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(initialState);
        int n = kernel.Dimension;
        if (initialState.Length != n)
        {
            throw new ArgumentException($"Initial state has length {initialState.Length}; the system has dimension {n}.", nameof(initialState));
        }

        if (!double.IsFinite(t0) || !double.IsFinite(t1) || !(t1 > t0))
        {
            throw new ArgumentException($"The time span must be finite with EndTime > StartTime (got {t0} to {t1}).", nameof(t1));
        }

        double h = options.StepSize ?? throw new ArgumentException("Fixed-step solvers need SolveOptions.StepSize.", nameof(options));
        if (!(h > 0) || !double.IsFinite(h))
        {
            throw new ArgumentOutOfRangeException(nameof(options), h, "StepSize must be positive and finite.");
        }

        long steps = (long)Math.Ceiling((t1 - t0) / h * (1 - 1e-12));
        steps = Math.Max(steps, 1);

        var y = (double[])initialState.Clone();
        var recorder = new SolutionRecorder(n, options);
        recorder.SaveInitial(t0, y);
        EventLocator? locator = events is null ? null : new EventLocator(events, n, options.EventTimeTolerance);
        locator?.Initialize(t0, y);
        bool precise = options.EventMode == EventMode.Precise;
        HermiteInterpolant? hermite = locator is not null && precise || recorder.UsesSaveAt ? new HermiteInterpolant(n) : null;
        var yStart = new double[n];
        var yPre = new double[n];
        var yEnd = new double[n];

        SolveStatus status = SolveStatus.Success;
        long accepted = 0;
        double tCurrent = t0;
        for (long step = 0; step < steps; step++)
        {
            if (accepted >= options.MaxSteps)
            {
                status = SolveStatus.MaxStepsExceeded;
                break;
            }

            double ta = tCurrent;
            double tb = step == steps - 1 ? t1 : t0 + (step + 1) * h;
            bool terminate = false;

            // A grid step, possibly split by precise events into segments [ta, t*], [t*, tb].
            while (true)
            {
                Array.Copy(y, yStart, n);
                if (!kernel.TryStep(ta, y, tb - ta))
                {
                    Array.Copy(yStart, y, n);
                    tCurrent = ta;
                    status = SolveStatus.ConvergenceFailure;
                    break;
                }

                if (!AllFinite(y))
                {
                    Array.Copy(yStart, y, n);
                    tCurrent = ta;
                    status = SolveStatus.NonFinite;
                    break;
                }

                bool crossed = locator is not null && locator.CheckEnd(tb, y);
                bool needDense = hermite is not null && ((crossed && precise) || recorder.NeedsInterpolation(tb));
                if (needDense)
                {
                    hermite!.Set(ta, tb);
                    yStart.CopyTo(hermite.StartState);
                    y.CopyTo(hermite.EndState);
                    kernel.Derivative(ta, yStart, hermite.StartDerivative);
                    kernel.Derivative(tb, y, hermite.EndDerivative);
                }

                if (!crossed)
                {
                    recorder.SaveSegment(tb, needDense ? hermite : null, y);
                    locator?.Advance();
                    break;
                }

                if (!precise)
                {
                    recorder.SaveSegment(tb, null, y);
                    recorder.EventState(tb, y);
                    terminate = locator!.FireAtGrid(tb, y);
                    recorder.EventState(tb, y);
                    break;
                }

                // Precise: the state at the crossing (saved from the interpolant), Apply, then the rest of the step.
                (double tEvent, terminate, bool changed) = locator!.LocateInStep(hermite!, ta, tb, y, yPre, yEnd, recorder);
                if (terminate)
                {
                    tb = tEvent;
                    break;
                }

                if (!changed)
                {
                    break; // detection-only events: the step's own end state stands
                }

                ta = tEvent;
                if (IsNegligible(ta, tb))
                {
                    recorder.SaveSegment(tb, null, y); // the event sits on the grid point: the reset state is the end state
                    break;
                }
            }

            if (status != SolveStatus.Success)
            {
                break;
            }

            tCurrent = tb;
            accepted++;
            if (terminate)
            {
                status = SolveStatus.Terminated;
                break;
            }

            recorder.StepAccepted(tb, y, step == steps - 1);
        }

        recorder.EnsureFinal(tCurrent, y);
        var statistics = new SolverStatistics(accepted, 0, kernel.FunctionEvaluations, kernel.JacobianEvaluations);
        return recorder.Build(status, statistics, locator?.Occurrences);
    }

    /// <summary>True when [ta, tb] is empty up to a few units in the last place of tb.</summary>
    internal static bool IsNegligible(double ta, double tb) =>
        tb - ta <= 4 * (Math.BitIncrement(Math.Abs(tb)) - Math.Abs(tb));

    internal static bool AllFinite(ReadOnlySpan<double> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(y[i]))
            {
                return false;
            }
        }

        return true;
    }
}
