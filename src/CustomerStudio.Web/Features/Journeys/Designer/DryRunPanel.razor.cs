using System.Text.Encodings.Web;
using System.Text.Json;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys.Runtime;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace CustomerStudio.Web.Features.Journeys.Designer;

/// <summary>
/// The dry run: pick a customer (by name, phone or id), optionally pretend events after the start, run the draft as it
/// is on the canvas with simulated time (<see cref="JourneyDryRun"/>), and see the path highlighted on the canvas with
/// the steps and what each message would be. Or run it for a random sample of the trigger's audience: how the runs
/// ended, how many reached each node (badged on the canvas), what each node would send, and any one run's own path. Nothing is written or sent. Personal data stays masked for roles without
/// the right, in the steps and payloads too.
/// </summary>
public sealed partial class DryRunPanel
{
    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private CustomerRow? _customer;
    private readonly List<EventRow> _events = [];
    private int _horizonDays = 30;
    private bool _running;
    private bool _canSee;
    private string? _error;
    private DryRunResult? _result;
    private bool _sampleMode;
    private int _sampleSize = 20;
    private DryRunSample? _sample;
    private Dictionary<long, CustomerRow> _sampleCustomers = [];

    private sealed record EventRow(string Type, string After);

    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private PersonalDataMask PersonalData { get; set; } = default!;

    [Parameter, EditorRequired] public JourneyDiagram Diagram { get; set; } = default!;
    [Parameter, EditorRequired] public DesignerCatalog Catalog { get; set; } = default!;
    [Parameter, EditorRequired] public NodeText Text { get; set; } = default!;
    [Parameter] public int ProblemCount { get; set; }
    /// <summary>The path to highlight on the canvas (null clears it).</summary>
    [Parameter] public EventCallback<CanvasPath?> PathChanged { get; set; }

    internal DryRunResult? Result => _result;

    protected override async Task OnInitializedAsync()
    {
        _canSee = await PersonalData.CanSeeAsync();
        await Catalog.LoadEventTypesAsync(DbFactory);
    }

    private async Task<IEnumerable<CustomerRow>> SearchAsync(string? text, CancellationToken ct)
    {
        await using var db = await DbFactory.CreateDbContextAsync(ct);
        return (await CustomerDirectory.SearchAsync(db, text, 0, 20, ct)).Items;
    }

    private string CustomerText(CustomerRow? c) => c is null ? "" :
        $"#{c.Id} {PersonalDataMask.Name(c.Name, _canSee)} {PersonalDataMask.Phone(c.Phone, _canSee)}".TrimEnd();

    private Task<IEnumerable<string>> SearchEvents(string? text, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text)
            ? Catalog.EventTypes.AsEnumerable()
            : Catalog.EventTypes.Where(t => t.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private void AddEvent() => _events.Add(new EventRow(Catalog.EventTypes.FirstOrDefault() ?? "", "P1D"));

    private DryRunOptions Options() => new(Horizon: TimeSpan.FromDays(Math.Clamp(_horizonDays, 1, 365)),
        Events: _events.Where(e => !string.IsNullOrWhiteSpace(e.Type)).Select(e => new SimulatedEvent(e.Type, After(e.After))).ToList());

    private async Task SetModeAsync(bool sample)
    {
        if (_sampleMode == sample) return;
        (_sampleMode, _result, _sample, _error) = (sample, null, null, null);
        await PathChanged.InvokeAsync(null);
    }

    /// <summary>Runs the canvas's draft for the chosen customer, or for a sample of its audience.</summary>
    public async Task RunAsync()
    {
        if (_sampleMode)
        {
            await RunSampleAsync();
            return;
        }
        if (_customer is null) return;
        (_running, _error, _result, _sample) = (true, null, null, null);
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            _result = await new JourneyDryRun(db, Clock).RunAsync(Diagram.ToDefinition(), _customer.Id, Options());
            await PathChanged.InvokeAsync(PathOf(_result));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A half-built draft can stop the simulation anywhere; say so instead of breaking the designer.
            _error = string.Format(L["DryRun_Failed"], ex.Message);
            await PathChanged.InvokeAsync(null);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Runs the draft for a random sample of its audience and shows how many reached each node on the canvas.</summary>
    private async Task RunSampleAsync()
    {
        (_running, _error, _result, _sample) = (true, null, null, null);
        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            var sample = await new JourneyDryRun(db, Clock).RunSampleAsync(Diagram.ToDefinition(), Math.Clamp(_sampleSize, 1, JourneyDryRun.MaxSample), Options());
            _sampleCustomers = await CustomerDirectory.ByIdsAsync(db, [.. sample.Runs.Select(r => r.CustomerId)]);
            _sample = sample;
            await PathChanged.InvokeAsync(PathOf(sample));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _error = string.Format(L["DryRun_Failed"], ex.Message);
            await PathChanged.InvokeAsync(null);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>One sampled customer's own path: the single-customer run, with the same events and horizon.</summary>
    private async Task ShowRunAsync(long customerId)
    {
        if (!_sampleCustomers.TryGetValue(customerId, out var customer)) return;
        (_sampleMode, _customer) = (false, customer);
        await RunAsync();
    }

    private async Task ClearAsync()
    {
        (_result, _sample) = (null, null);
        await PathChanged.InvokeAsync(null);
    }

    /// <summary>A sample on the canvas: every node some run reached, badged with how many did, and every port some run took.</summary>
    public static CanvasPath PathOf(DryRunSample sample) =>
        new(sample.Reached, sample.Ports.Select(p => (p.Node, p.Port)).ToHashSet()) { Counts = true };

    private string SourceText(SampleSource source, int drawn) => source switch
    {
        { FellBack: true } => string.Format(L["DryRun_SampleFromAllFallback"], drawn, source.Pool),
        { Kind: "segment" } => string.Format(L["DryRun_SampleFromSegment"], drawn, Catalog.SegmentName(source.Code!), source.Pool),
        { Kind: "tag" } => string.Format(L["DryRun_SampleFromTag"], drawn, Catalog.TagName(source.Code!), source.Pool),
        { Kind: "event" } => string.Format(L["DryRun_SampleFromEvent"], drawn, source.Code, source.Pool),
        _ => string.Format(L["DryRun_SampleFromAll"], drawn, source.Pool),
    };

    private string SampleCustomerText(long id) =>
        _sampleCustomers.TryGetValue(id, out var c) ? $"#{c.Id} {PersonalDataMask.Name(c.Name, _canSee)}".TrimEnd() : $"#{id}";

    private string NodeTitle(string nodeId) => Text.Title(Diagram, nodeId);

    /// <summary>The step number of each node the run visited (its first visit) and the ports it left through.</summary>
    public static CanvasPath PathOf(DryRunResult result)
    {
        var steps = new Dictionary<string, int>();
        var edges = new HashSet<(string, string)>();
        for (var i = 0; i < result.Steps.Count; i++)
        {
            steps.TryAdd(result.Steps[i].NodeId, i + 1);
            if (result.Steps[i].Port is { } port) edges.Add((result.Steps[i].NodeId, port));
        }
        return new CanvasPath(steps, edges);
    }

    private static TimeSpan After(string iso) => DurationParts.Parse(iso) switch
    {
        { Unit: "Minutes" } d => TimeSpan.FromMinutes(d.Amount),
        { Unit: "Hours" } d => TimeSpan.FromHours(d.Amount),
        { Unit: "Weeks" } d => TimeSpan.FromDays(7 * d.Amount),
        { } d => TimeSpan.FromDays(d.Amount),
        null => Core.Conditions.Window.TryParse(iso) is { } w ? TimeSpan.FromDays(w.Years * 365 + w.Months * 30 + w.Days) + w.Time : TimeSpan.Zero,
    };

    /// <summary>The customer's name, phone and e-mail masked in text the run produced, for roles without the personal-data right.</summary>
    private string Mask(string text)
    {
        if (_canSee || _customer is null) return text;
        foreach (var (value, masked) in new[]
                 {
                     (_customer.Email, PersonalDataMask.Email(_customer.Email, false)),
                     (_customer.Phone, PersonalDataMask.Phone(_customer.Phone, false)),
                     (_customer.Name, PersonalDataMask.Name(_customer.Name, false)),
                 })
            if (!string.IsNullOrEmpty(value) && masked is not null) text = text.Replace(value, masked, StringComparison.Ordinal);
        return text;
    }

    private string Pretty(string json)
    {
        try
        {
            return Mask(JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, PrettyJson));
        }
        catch (JsonException)
        {
            return Mask(json);
        }
    }

    private string Outcome(string outcome) => L["DryRunOutcome_" + outcome].ResourceNotFound ? outcome : L["DryRunOutcome_" + outcome];

    private static Color OutcomeColor(string outcome) => outcome switch
    {
        "converted" => Color.Success,
        "completed" => Color.Info,
        "waiting" => Color.Warning,
        "failed" => Color.Error,
        _ => Color.Default,
    };
}
