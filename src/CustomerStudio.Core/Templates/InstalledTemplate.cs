namespace CustomerStudio.Core.Templates;

public class InstalledTemplate
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Version { get; set; } = "";
    public string Name { get; set; } = "";
    public string ManifestJson { get; set; } = "{}";
    public DateTime InstalledAt { get; set; }
    public string? InstalledBy { get; set; }
}

public class EmailTemplate
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Subject { get; set; } = "";
    public string BodyHtml { get; set; } = "";
    public string Language { get; set; } = "zh-CN";
    public DateTime UpdatedAt { get; set; }
}
