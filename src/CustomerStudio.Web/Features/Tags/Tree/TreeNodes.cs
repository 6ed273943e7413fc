using CustomerStudio.Core.Tags;

namespace CustomerStudio.Web.Features.Tags.Tree;

/// <summary>A category as the taxonomy tree shows it.</summary>
public sealed record TreeCategory(int Id, int? ParentId, string Code, string NameZh, string NameEn, int SortOrder, string? EditorRoles)
{
    public string Name(bool zh) => zh ? NameZh : NameEn;
}

/// <summary>A tag as the taxonomy tree shows it: where it sits, its status and how many customers carry it.</summary>
public sealed record TreeTag(
    int Id, int CategoryId, string Code, string NameZh, string NameEn, TagStatus Status, TagKind Kind, Sensitivity Sensitivity,
    int SortOrder, int Coverage, bool PendingChange)
{
    public string Name(bool zh) => zh ? NameZh : NameEn;
}

/// <summary>What is being dragged in the tree: a tag or a category.</summary>
public sealed record TreeDrag(bool IsTag, int Id);

/// <summary>A place something can be moved to (the "Move to…" dialog): a category (null: the top level) and what is already in it.</summary>
public sealed record MoveTarget(int? Id, string Label, IReadOnlyList<string> Children);

/// <summary>Where the "Move to…" dialog put it: the category (null: top level) and the position among what is there.</summary>
public sealed record MoveChoice(int? TargetId, int Index);
