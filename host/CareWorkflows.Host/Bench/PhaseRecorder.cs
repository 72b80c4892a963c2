using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CareWorkflows.Engine.Persistence;

namespace CareWorkflows.Host.Bench;

/// <summary>Listens to the engine's per-phase batch timings while a pass runs, for the "where the time goes" rows.</summary>
internal sealed class PhaseRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _samples = new(StringComparer.Ordinal);
    private long _statements;

    /// <summary>SQL statements the batches wrote since the last <see cref="Clear"/>.</summary>
    public long Statements => Interlocked.Read(ref _statements);

    public PhaseRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BatchMetrics.MeterName && instrument.Name is BatchMetrics.PhaseDuration or BatchMetrics.Statements)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "phase", Value: string phase })
                {
                    _samples.GetOrAdd(phase, _ => []).Add(value);
                }
            }
        });
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _statements, value));
        _listener.Start();
    }

    /// <summary>Forgets what was recorded so far (the warm-up).</summary>
    public void Clear()
    {
        _samples.Clear();
        Interlocked.Exchange(ref _statements, 0);
    }

    /// <summary>The median milliseconds per batch of each phase, in the phases' order.</summary>
    public IReadOnlyList<(string Phase, double Median)> Medians() =>
        [.. BatchMetrics.Phases.Where(_samples.ContainsKey).Select(phase => (phase, Percentile.Of([.. _samples[phase].Order()], 50)))];

    public void Dispose() => _listener.Dispose();
}
