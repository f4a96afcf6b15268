namespace StatNeuro.Dynamics;

/// <summary>
/// Detects and locates threshold crossings (− to +) of <see cref="IThresholdEvents"/> for the solvers, and records
/// them. Grid mode stamps events at the step end; precise mode finds the earliest crossing time on the step's
/// interpolant by the Illinois variant of regula falsi (Dowell &amp; Jarratt 1971) to an absolute time tolerance.
/// </summary>
internal sealed class EventLocator
{
    private readonly IThresholdEvents _events;
    private readonly double[] _gStart;
    private readonly double[] _gEnd;
    private readonly double[] _gWork;
    private readonly double[] _yWork;
    private readonly double _tolerance;
    private readonly List<EventOccurrence> _occurrences = [];

    public EventLocator(IThresholdEvents events, int dimension, double timeTolerance)
    {
        _events = events;
        _gStart = new double[events.Count];
        _gEnd = new double[events.Count];
        _gWork = new double[events.Count];
        _yWork = new double[dimension];
        _tolerance = timeTolerance > 0 ? timeTolerance : 1e-13;
    }

    public List<EventOccurrence> Occurrences => _occurrences;

    /// <summary>Evaluates g at the start of the next step.</summary>
    public void Initialize(double t, ReadOnlySpan<double> y) => _events.Evaluate(t, y, _gStart);

    /// <summary>Evaluates g at the end of a step and reports whether any event crossed from − to +.</summary>
    public bool CheckEnd(double t, ReadOnlySpan<double> y)
    {
        _events.Evaluate(t, y, _gEnd);
        for (int k = 0; k < _gEnd.Length; k++)
        {
            if (_gStart[k] < 0 && _gEnd[k] >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>After a step without events: the end values become the next start values.</summary>
    public void Advance() => Array.Copy(_gEnd, _gStart, _gEnd.Length);

    /// <summary>Grid mode: fires every crossed event at the step end time <paramref name="t"/>, then re-evaluates g.</summary>
    /// <returns>True when a terminating event fired.</returns>
    public bool FireAtGrid(double t, Span<double> y)
    {
        bool terminate = false;
        for (int k = 0; k < _gEnd.Length; k++)
        {
            if (_gStart[k] < 0 && _gEnd[k] >= 0)
            {
                terminate |= Fire(k, t, y);
            }
        }

        _events.Evaluate(t, y, _gStart);
        return terminate;
    }

    /// <summary>
    /// Precise mode: locates the earliest crossing in (ta, tb] on <paramref name="dense"/>, writes the state there
    /// into <paramref name="y"/>, fires every event that has crossed by then, and re-evaluates g at that time.
    /// </summary>
    /// <returns>The event time and whether a terminating event fired.</returns>
    public (double Time, bool Terminate) LocateAndFire(IDenseOutput dense, double ta, double tb, Span<double> y, Span<double> preEventState)
    {
        double best = tb;
        for (int k = 0; k < _gEnd.Length; k++)
        {
            if (!(_gStart[k] < 0 && _gEnd[k] >= 0))
            {
                continue;
            }

            double gb;
            if (best < tb)
            {
                // Only an earlier crossing matters: bracket [ta, best] when g_k(best) ≥ 0.
                dense.Evaluate(best, _yWork);
                _events.Evaluate(best, _yWork, _gWork);
                gb = _gWork[k];
                if (gb < 0)
                {
                    continue;
                }
            }
            else
            {
                gb = _gEnd[k];
            }

            best = Illinois(dense, k, ta, _gStart[k], best, gb);
        }

        // State at the event time; fire every event that has crossed by then (simultaneous crossings).
        dense.Evaluate(best, preEventState);
        preEventState.CopyTo(y);
        _events.Evaluate(best, y, _gWork);
        bool terminate = false;
        for (int k = 0; k < _gWork.Length; k++)
        {
            if (_gStart[k] < 0 && _gWork[k] >= 0)
            {
                terminate |= Fire(k, best, y);
            }
        }

        _events.Evaluate(best, y, _gStart);
        return (best, terminate);
    }

    /// <summary>
    /// Precise mode over one accepted step: locates the earliest crossing, saves and fires it. When the events changed
    /// the state (a reset), returns Changed = true with the post-event state in y: the caller integrates on from the
    /// event time. When Apply left the state unchanged (detection only, e.g. spike times of a Hodgkin–Huxley neuron),
    /// the step's own end state is kept, later crossings in the same step are located on the same interpolant, and the
    /// call returns Changed = false with y the end state at tb (so events never perturb a trajectory they do not reset).
    /// </summary>
    public (double Time, bool Terminate, bool Changed) LocateInStep(IDenseOutput dense, double ta, double tb, Span<double> y, Span<double> preEventState, Span<double> endState, SolutionRecorder recorder)
    {
        double segmentStart = ta;
        while (true)
        {
            y.CopyTo(endState);
            (double tEvent, bool terminate) = LocateAndFire(dense, segmentStart, tb, y, preEventState);
            recorder.SaveSegment(tEvent, dense, preEventState);
            recorder.EventState(tEvent, preEventState);
            recorder.EventState(tEvent, y);
            if (terminate || !y.SequenceEqual(preEventState))
            {
                return (tEvent, terminate, true);
            }

            endState.CopyTo(y);
            segmentStart = tEvent;
            if (!CheckEnd(tb, y))
            {
                recorder.SaveSegment(tb, dense, y);
                Advance();
                return (tb, false, false);
            }
        }
    }

    private bool Fire(int k, double t, Span<double> y)
    {
        _occurrences.Add(new EventOccurrence(k, t));
        _events.Apply(k, t, y);
        return _events is ITerminatingEvents terminating && terminating.IsTerminal(k);
    }

    // Illinois regula falsi on φ(t) = g_k(t, y(t)) with φ(a) < 0 ≤ φ(b); returns a time b with φ(b) ≥ 0 and b − root ≤ tol.
    private double Illinois(IDenseOutput dense, int k, double a, double ga, double b, double gb)
    {
        int side = 0;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double width = b - a;
            if (width <= _tolerance)
            {
                break;
            }

            double c = gb == ga ? 0.5 * (a + b) : b - gb * width / (gb - ga);
            if (!(c > a && c < b))
            {
                c = 0.5 * (a + b);
            }

            // Keep at least tol/2 from either end so the bracket, not just one end, shrinks below tol.
            double margin = Math.Min(0.5 * _tolerance, 0.25 * width);
            c = Math.Clamp(c, a + margin, b - margin);
            if (c <= a || c >= b)
            {
                break; // no representable point strictly inside
            }

            dense.Evaluate(c, _yWork);
            _events.Evaluate(c, _yWork, _gWork);
            double gc = _gWork[k];
            if (gc >= 0)
            {
                b = c;
                gb = gc;
                if (side == 1)
                {
                    ga *= 0.5;
                }

                side = 1;
            }
            else
            {
                a = c;
                ga = gc;
                if (side == -1)
                {
                    gb *= 0.5;
                }

                side = -1;
            }
        }

        return b;
    }
}

/// <summary>Threshold events some of which end the integration when they fire (status <see cref="SolveStatus.Terminated"/>).</summary>
public interface ITerminatingEvents : IThresholdEvents
{
    /// <summary>Whether event <paramref name="index"/> terminates the solve after it has been applied.</summary>
    /// <param name="index">Event index.</param>
    /// <returns>True to stop.</returns>
    bool IsTerminal(int index);
}
