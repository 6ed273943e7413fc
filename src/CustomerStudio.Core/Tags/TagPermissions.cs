using CustomerStudio.Core.Security;

namespace CustomerStudio.Core.Tags;

/// <summary>
/// Who may do what in the tag system. Admins and governance staff edit every category and alone approve, deprecate
/// and archive; other roles edit (draft and propose) only in categories that name their role in
/// <see cref="TagCategory.EditorRoles"/>, inherited from the nearest ancestor that names any.
/// </summary>
public sealed class TagPermissions(IReadOnlyCollection<TagCategory> categories)
{
    private readonly Dictionary<int, TagCategory> _byId = categories.ToDictionary(c => c.Id);

    public static bool CanApprove(Actor actor) => actor.Governs;

    /// <summary>The roles (besides governance) that may edit tags in the category, after inheritance.</summary>
    public IReadOnlyList<string> EditorsOf(int categoryId)
    {
        var seen = new HashSet<int>();
        for (var id = (int?)categoryId; id is { } current && seen.Add(current) && _byId.TryGetValue(current, out var category); id = category.ParentId)
            if (!string.IsNullOrWhiteSpace(category.EditorRoles))
                return category.EditorRoles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [];
    }

    public bool CanEdit(Actor actor, int categoryId) =>
        actor.Governs || EditorsOf(categoryId).Any(actor.IsIn);

    /// <summary>The highest sensitivity whose tags (and values) the actor sees unmasked.</summary>
    public static Sensitivity VisibleUpTo(Actor actor) =>
        actor.Governs ? Sensitivity.Restricted
        : actor.IsIn(StudioRoles.Sales) ? Sensitivity.Sensitive
        : Sensitivity.Internal;

    /// <summary>Restricted tags are not shown at all to roles below them; sensitive ones are shown masked.</summary>
    public static bool IsHidden(Sensitivity sensitivity, Actor actor) =>
        sensitivity == Sensitivity.Restricted && VisibleUpTo(actor) < Sensitivity.Restricted;

    public static bool IsMasked(Sensitivity sensitivity, Actor actor) => sensitivity > VisibleUpTo(actor);
}
