using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;

namespace CustomerStudio.Tests.Web;

/// <summary>The ids of <see cref="ProfileWorld.SeedAsync"/>'s customers, tags and custom fields.</summary>
public sealed record ProfileIds(long Main, long MergedAway, long Spouse, long Child, long Other, int Sensitive, int Restricted,
    IReadOnlyList<DateTime> EventTimes, IReadOnlyList<DateTime> OrderTimes);

/// <summary>
/// One customer with every section of the 360° profile filled: identities (phone, email, WeChat), custom fields (one
/// sensitive), RFM, a predictive score with its top features, lead score and lifecycle history, tags of every
/// sensitivity (one expired), a segment, a journey waiting at a node, a household with two more members, a sales
/// task, 30 events and 8 orders at distinct times; plus a record merged into it and an unrelated customer.
/// </summary>
public static class ProfileWorld
{
    public static readonly Actor Admin = new("u-admin", "admin@customerstudio.local") { Roles = [StudioRoles.Admin] };
    public static readonly Actor Sales = new("u-sales", "sales@customerstudio.local") { Roles = [StudioRoles.Sales] };
    public static readonly Actor Marketer = new("u-marketer", "marketer@customerstudio.local") { Roles = [StudioRoles.Marketer] };

    public const string Phone = "+8613800001111";
    public const string Email = "xiaoming.wang@example.com";
    public const string IdCard = "330102199005011234";

    public static async Task<ProfileIds> SeedAsync(StudioDbContext db, DateTime now)
    {
        db.WorkspaceSettings.Add(new WorkspaceSettings { TimeZone = "Asia/Shanghai" });
        var main = new Customer
        {
            Name = "王小明", Phone = Phone, Email = Email, Gender = Gender.Male, BirthDate = new DateOnly(1990, 5, 1), Province = "浙江", City = "杭州",
            Company = "明远科技", LeadScore = 45, LifecycleStage = LifecycleStage.Mql, OwnerId = Sales.UserId, SourceChannel = "wechat",
            CreatedAt = now.AddDays(-200), UpdatedAt = now.AddDays(-1),
        };
        var spouse = new Customer { Name = "李芳", CreatedAt = now.AddDays(-150), UpdatedAt = now };
        var child = new Customer { Name = "王乐乐", CreatedAt = now.AddDays(-150), UpdatedAt = now };
        var other = new Customer { Name = "赵强", Phone = "+8613900002222", Email = "zhao.qiang@example.com", City = "宁波", Industry = "教育", CreatedAt = now.AddDays(-50), UpdatedAt = now };
        db.Customers.AddRange(main, spouse, child, other);
        await db.SaveChangesAsync();
        var mergedAway = new Customer { Name = "王晓明", CreatedAt = now.AddDays(-300), UpdatedAt = now, MergedIntoId = main.Id };
        db.Customers.Add(mergedAway);

        db.CustomerIdentities.AddRange(
            new CustomerIdentity { CustomerId = main.Id, Kind = IdentityKind.Phone, Value = Phone, IsPrimary = true, CreatedAt = now },
            new CustomerIdentity { CustomerId = main.Id, Kind = IdentityKind.Email, Value = Email, IsPrimary = true, CreatedAt = now },
            new CustomerIdentity { CustomerId = main.Id, Kind = IdentityKind.WeChatOpenId, Value = "oWx_abcdef123456", CreatedAt = now },
            new CustomerIdentity { CustomerId = other.Id, Kind = IdentityKind.Phone, Value = "+8613900002222", IsPrimary = true, CreatedAt = now },
            new CustomerIdentity { CustomerId = other.Id, Kind = IdentityKind.Email, Value = "zhao.qiang@example.com", IsPrimary = true, CreatedAt = now });

        var level = new CustomFieldDefinition { Code = "member_level", NameZh = "会员等级", NameEn = "Member level", Type = CustomFieldType.Number, SortOrder = 1, CreatedAt = now };
        var idCard = new CustomFieldDefinition { Code = "id_card", NameZh = "身份证号", NameEn = "ID card", Type = CustomFieldType.Text, IsSensitive = true, SortOrder = 2, CreatedAt = now };
        var contact = new CustomFieldDefinition
        {
            Code = "contact", NameZh = "首选联系方式", NameEn = "Preferred contact", Type = CustomFieldType.Enum, EnumValuesJson = """["电话","微信"]""", SortOrder = 3, CreatedAt = now,
        };
        db.CustomFields.AddRange(level, idCard, contact);

        var category = new TagCategory { Code = "profile", NameZh = "画像", NameEn = "Profile", SortOrder = 1, CreatedAt = now };
        var risk = new TagCategory { Code = "risk", NameZh = "风险", NameEn = "Risk", SortOrder = 2, CreatedAt = now };
        db.TagCategories.AddRange(category, risk);
        await db.SaveChangesAsync();

        Tag NewTag(TagCategory c, string code, string zh, string en, TagKind kind, Sensitivity sensitivity, params (string Code, string Zh, string En)[] values) => new()
        {
            CategoryId = c.Id, Code = code, NameZh = zh, NameEn = en, Kind = kind, Status = TagStatus.Active, Sensitivity = sensitivity,
            RefreshRule = kind == TagKind.Manual ? RefreshRule.Manual : RefreshRule.Daily, CreatedAt = now, UpdatedAt = now, ActivatedAt = now,
            Values = values.Select((v, i) => new TagValue { Code = v.Code, NameZh = v.Zh, NameEn = v.En, SortOrder = i }).ToList(),
        };
        var vip = NewTag(category, "vip", "重点客户", "VIP", TagKind.Manual, Sensitivity.Public);
        var income = NewTag(category, "income", "收入水平", "Income", TagKind.Manual, Sensitivity.Sensitive, ("high", "高", "High"), ("low", "低", "Low"));
        var secret = NewTag(category, "blacklist", "黑名单", "Blacklist", TagKind.Manual, Sensitivity.Restricted);
        var trial = NewTag(category, "trial", "试用用户", "Trial user", TagKind.Manual, Sensitivity.Internal);
        var churn = NewTag(risk, "churn_risk", "流失风险", "Churn risk", TagKind.Predictive, Sensitivity.Internal, ("high", "高", "High"), ("low", "低", "Low"));
        (vip.SortOrder, income.SortOrder, secret.SortOrder, trial.SortOrder) = (1, 2, 3, 4);
        db.Tags.AddRange(vip, income, secret, trial, churn);
        await db.SaveChangesAsync();

        db.CustomFieldValues.AddRange(
            new CustomFieldValue { CustomerId = main.Id, FieldId = level.Id, NumberValue = 3 },
            new CustomFieldValue { CustomerId = main.Id, FieldId = idCard.Id, TextValue = IdCard });
        db.TagAssignments.AddRange(
            new TagAssignment { CustomerId = main.Id, TagId = vip.Id, Source = AssignmentSource.Manual, AssignedBy = "sales@customerstudio.local", AssignedAt = now.AddDays(-20),
                ExpiresAt = now.AddDays(40) },
            new TagAssignment { CustomerId = main.Id, TagId = income.Id, TagValueId = income.Values[0].Id, Source = AssignmentSource.Import, SourceRef = "import 7", AssignedAt = now.AddDays(-30) },
            new TagAssignment { CustomerId = main.Id, TagId = secret.Id, Source = AssignmentSource.Manual, AssignedBy = "governance@customerstudio.local", AssignedAt = now.AddDays(-5) },
            new TagAssignment { CustomerId = main.Id, TagId = trial.Id, Source = AssignmentSource.Api, AssignedAt = now.AddDays(-60), ExpiresAt = now.AddDays(-1) },
            new TagAssignment { CustomerId = main.Id, TagId = churn.Id, TagValueId = churn.Values[0].Id, Source = AssignmentSource.Model, SourceRef = "model v1", AssignedBy = "system",
                AssignedAt = now.AddDays(-2), Score = 0.72 });

        var model = new PredictiveModel { TagId = churn.Id, Name = "churn_risk v1", Version = 1, Auc = 0.81, TrainedAt = now.AddDays(-2) };
        db.PredictiveModels.Add(model);
        await db.SaveChangesAsync();
        db.PredictiveScores.Add(new PredictiveScore
        {
            CustomerId = main.Id, ModelId = model.Id, Score = 0.72, ComputedAt = now.AddDays(-2),
            TopFeaturesJson = """[{"feature":"recency_days","value":64,"contribution":0.91},{"feature":"email_open_30d","value":0,"contribution":0.33},{"feature":"orders_365d","value":8,"contribution":-0.41}]""",
        });
        db.RfmScores.Add(new RfmScore { CustomerId = main.Id, RecencyDays = 12, Frequency = 8, Monetary = 4321.5m, R = 4, F = 3, M = 5, Segment = RfmScoring.SegmentOf(4, 3, 5), ComputedAt = now.AddHours(-3) });
        db.LeadScoreChanges.AddRange(
            new LeadScoreChange { CustomerId = main.Id, Points = 10, Total = 10, Reason = "pricing page", At = now.AddDays(-40) },
            new LeadScoreChange { CustomerId = main.Id, Points = 20, Total = 30, Reason = "demo request", At = now.AddDays(-20) },
            new LeadScoreChange { CustomerId = main.Id, Points = 15, Total = 45, Reason = "email click", At = now.AddDays(-3) });
        db.LifecycleChanges.Add(new LifecycleChange { CustomerId = main.Id, From = LifecycleStage.Lead, To = LifecycleStage.Mql, Reason = "lead score 30", By = "system", At = now.AddDays(-20) });

        var segment = new Segment { Code = "high_value", Name = "高价值客户", Kind = SegmentKind.Static, DefinitionJson = "{}", CreatedAt = now, UpdatedAt = now };
        db.Segments.Add(segment);
        var journey = new Journey { Code = "welcome", Name = "新客欢迎", Status = JourneyStatus.Published, PublishedVersion = 1, CreatedAt = now, UpdatedAt = now };
        db.Journeys.Add(journey);
        var household = new Account { Name = "王家", Kind = AccountKind.Household, CreatedAt = now };
        db.Accounts.Add(household);
        await db.SaveChangesAsync();
        var version = new JourneyVersion { JourneyId = journey.Id, Version = 1, DefinitionJson = "{}", PublishedAt = now };
        db.JourneyVersions.Add(version);
        await db.SaveChangesAsync();
        db.SegmentMemberships.Add(new SegmentMembership { SegmentId = segment.Id, CustomerId = main.Id, EnteredAt = now.AddDays(-7) });
        db.JourneyInstances.Add(new JourneyInstance
        {
            JourneyId = journey.Id, JourneyVersionId = version.Id, CustomerId = main.Id, Status = InstanceStatus.Waiting, CurrentNodeId = "wait_3d",
            StartedAt = now.AddDays(-4), UpdatedAt = now.AddDays(-1), WakeAt = now.AddDays(1),
        });
        db.AccountMembers.AddRange(
            new AccountMember { AccountId = household.Id, CustomerId = main.Id, Role = AccountRole.Registrant, JoinedAt = now },
            new AccountMember { AccountId = household.Id, CustomerId = spouse.Id, Role = AccountRole.DecisionMaker, JoinedAt = now },
            new AccountMember { AccountId = household.Id, CustomerId = child.Id, Role = AccountRole.User, JoinedAt = now });
        db.SalesTasks.Add(new SalesTask { CustomerId = main.Id, OwnerId = Sales.UserId, Title = "回访：预约演示", Details = "demo request, pricing page", CreatedAt = now.AddDays(-3),
            DueAt = now.AddDays(2) });

        // 30 events and 8 orders, every one at its own minute, interleaved over ten days.
        string[] types = ["page_view", "email_open", "demo_request"];
        var eventTimes = Enumerable.Range(0, 30).Select(i => now.AddMinutes(-(i * 470 + 7))).ToList();
        var orderTimes = Enumerable.Range(0, 8).Select(i => now.AddMinutes(-(i * 1700 + 200))).ToList();
        db.Events.AddRange(eventTimes.Select((at, i) => new CustomerEvent
        {
            CustomerId = main.Id, Type = types[i % 3], OccurredAt = at, ReceivedAt = at, Channel = i % 2 == 0 ? "web" : "app",
            PropertiesJson = i % 3 == 0 ? $$"""{"path":"/pricing","n":{{i}}}""" : null,
        }));
        db.Orders.AddRange(orderTimes.Select((at, i) => new Order
        {
            CustomerId = main.Id, OrderNo = $"SO-{1000 + i}", OrderedAt = at, Amount = 100 + i, Status = i == 3 ? OrderStatus.Refunded : OrderStatus.Paid, Channel = "tmall",
            Lines = [new OrderLine { Sku = "SKU-1", Name = "课程", Quantity = 1, UnitPrice = 100 + i }],
        }));
        db.Events.Add(new CustomerEvent { CustomerId = other.Id, Type = "page_view", OccurredAt = now.AddMinutes(-3), ReceivedAt = now });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new ProfileIds(main.Id, mergedAway.Id, spouse.Id, child.Id, other.Id, income.Id, secret.Id, eventTimes, orderTimes);
    }
}
