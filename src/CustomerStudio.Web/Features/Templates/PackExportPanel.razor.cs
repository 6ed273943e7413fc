using CustomerStudio.Core.Data;
using CustomerStudio.Core.Templates;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Web.Features.Templates;

/// <summary>Export the workspace, or chosen items (with what they depend on), as a pack: a download from GET /api/templates/export.</summary>
public partial class PackExportPanel
{
    [Inject] private IDbContextFactory<StudioDbContext> DbFactory { get; set; } = default!;

    [Parameter] public string? Class { get; set; }

    private sealed record Choice(PackItemKind Kind, string Key, string Label);

    private List<Choice> _items = [];
    private readonly HashSet<string> _selected = [];
    private bool _everything = true;
    private string _code = "workspace";
    private string _version = "1.0.0";
    private string _nameZh = "工作区导出";
    private string _nameEn = "Workspace export";

    protected override async Task OnInitializedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var w = await WorkspaceDefinitions.LoadAsync(db);
        _items =
        [
            .. w.Tags.Values.OrderBy(t => t.Code).Select(t => new Choice(PackItemKind.Tag, $"Tag:{t.Code}", $"{t.NameZh} ({t.Code})")),
            .. w.Segments.Values.OrderBy(s => s.Code).Select(s => new Choice(PackItemKind.Segment, $"Segment:{s.Code}", $"{s.NameZh} ({s.Code})")),
            .. w.Journeys.Values.OrderBy(j => j.Code).Select(j => new Choice(PackItemKind.Journey, $"Journey:{j.Code}", $"{j.NameZh} ({j.Code})")),
            .. w.Fields.Values.OrderBy(f => f.Code).Select(f => new Choice(PackItemKind.CustomField, $"CustomField:{f.Code}", $"{f.NameZh} ({f.Code})")),
            .. w.EmailTemplates.Keys.Select(k => k.Code).Distinct().Order().Select(c => new Choice(PackItemKind.EmailTemplate, $"EmailTemplate:{c}", c)),
            .. (w.Scoring is null ? [] : new[] { new Choice(PackItemKind.Scoring, "Scoring:scoring", "RFM / lead scoring") }),
        ];
    }

    private void Toggle(string key, bool on)
    {
        if (on) _selected.Add(key);
        else _selected.Remove(key);
    }

    private string DownloadUrl
    {
        get
        {
            var query = new List<string>
            {
                "code=" + Uri.EscapeDataString(_code), "version=" + Uri.EscapeDataString(_version),
                "nameZh=" + Uri.EscapeDataString(_nameZh), "nameEn=" + Uri.EscapeDataString(_nameEn),
            };
            if (!_everything) query.AddRange(_selected.Order().Select(k => "select=" + Uri.EscapeDataString(k)));
            return "/api/templates/export?" + string.Join("&", query);
        }
    }
}
