namespace CustomerStudio.Core.Journeys.Definition;

public enum JourneyReferenceKind { Segment, Tag, EmailTemplate, Field }

/// <summary>Something outside the journey that a node's settings name, at its JSON path (conditions are checked by compiling them).</summary>
public sealed record JourneyReference(JourneyReferenceKind Kind, string Code, string? Value, string Path);

public static class JourneyReferences
{
    /// <summary>Segments, tags (with value), email templates and fields the nodes' settings refer to.</summary>
    public static IReadOnlyList<JourneyReference> Of(JourneyDefinition journey, string root = "$")
    {
        var result = new List<JourneyReference>();
        for (var i = 0; i < journey.Nodes.Count; i++)
        {
            var path = $"{root}.nodes[{i}].settings";
            switch (journey.Nodes[i].Settings)
            {
                case SegmentEnteredSettings s: result.Add(new(JourneyReferenceKind.Segment, s.Segment, null, $"{path}.segment")); break;
                case ScheduledBroadcastSettings s: result.Add(new(JourneyReferenceKind.Segment, s.Segment, null, $"{path}.segment")); break;
                case TagChangedSettings s: result.Add(new(JourneyReferenceKind.Tag, s.Tag, s.Value, $"{path}.tag")); break;
                case TagActionSettings s: result.Add(new(JourneyReferenceKind.Tag, s.Tag, s.Value, $"{path}.tag")); break;
                case SendEmailSettings s: result.Add(new(JourneyReferenceKind.EmailTemplate, s.Template, null, $"{path}.template")); break;
                case SetAttributeSettings s: result.Add(new(JourneyReferenceKind.Field, s.Field, null, $"{path}.field")); break;
                case DateBasedSettings s: result.Add(new(JourneyReferenceKind.Field, s.Field, null, $"{path}.field")); break;
            }
        }
        return result;
    }
}
