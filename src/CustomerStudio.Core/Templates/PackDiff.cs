using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Definitions;

namespace CustomerStudio.Core.Templates;

public enum PackChange
{
    /// <summary>Not in the workspace: installed.</summary>
    New,
    /// <summary>In the workspace exactly as the pack has it: nothing to do.</summary>
    Unchanged,
    /// <summary>Installed by an earlier version of this pack and untouched since: upgraded by code.</summary>
    Changed,
    /// <summary>Same code with a different meaning (made in the workspace, by another pack, or edited since): needs a choice.</summary>
    Conflict,
    /// <summary>
    /// Installed by an earlier version of this pack, not in this one: kept in the workspace as it is (nothing is deleted
    /// or deprecated silently); said so, so that an admin can retire it by hand.
    /// </summary>
    Dropped,
}

/// <summary>What to do with a conflicting item.</summary>
public enum ConflictChoice
{
    /// <summary>Keep the workspace's item; the pack's references then mean the workspace's one.</summary>
    Skip,
    /// <summary>Install the pack's item under a new code; the pack's references follow the new code.</summary>
    Rename,
    /// <summary>Replace the workspace's item with the pack's.</summary>
    Overwrite,
}

/// <summary>One line of the preview: an item of the pack, how it compares with the workspace, and which properties differ.</summary>
public sealed record PackDiffItem(PackItemKey Key, string Name, PackChange Change, IReadOnlyList<string> Differences,
    JsonNode? Workspace, JsonNode? Pack, string? RenameTo = null)
{
    /// <summary>同名不同义: workspace tags a new pack tag looks like (similar name or code), as the tag card warns.</summary>
    public IReadOnlyList<Tags.TagWarning> Warnings { get; init; } = [];
}

/// <summary>The preview of installing a pack: every item with its change; the pack and the installed version it follows.</summary>
public sealed record PackDiff(string Code, string Version, string? InstalledVersion, IReadOnlyList<PackDiffItem> Items)
{
    public IEnumerable<PackDiffItem> Conflicts => Items.Where(i => i.Change == PackChange.Conflict);
    public int Count(PackChange change) => Items.Count(i => i.Change == change);
    public bool NothingToDo => Items.All(i => i.Change is PackChange.Unchanged or PackChange.Dropped);
}

/// <summary>What a pack installed (kept in <see cref="InstalledTemplate.ManifestJson"/>): each item with the fingerprint it had then.</summary>
public sealed record InstalledManifest(string Code, string Version, IReadOnlyList<InstalledItem> Items)
{
    /// <summary>Items installed under another code (<c>Tag:repeat_buyer</c> → <c>repeat_buyer_2</c>); later installs keep the rename.</summary>
    public IReadOnlyDictionary<string, string> Renamed { get; init; } = new Dictionary<string, string>();

    public static InstalledManifest? Read(string? json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<InstalledManifest>(json, DefinitionSchemas.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record InstalledItem(string Key, string Fingerprint);
