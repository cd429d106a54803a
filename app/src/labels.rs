//! Names of record kinds, fields and choices in both languages (glossary
//! of `DOMAIN.md` §6). Field names not listed fall back to the identifier,
//! so a new field is visible at once and a test lists what lacks a label.

use crate::i18n::Lang;
use tsunagu_sync::record::schema::RecordKind;

/// A record kind's name.
pub fn kind_label(lang: Lang, kind: RecordKind) -> &'static str {
    match (lang, kind) {
        (Lang::Ja, RecordKind::Person) => "基本情報",
        (Lang::Ja, RecordKind::PersonCard) => "連絡カード",
        (Lang::Ja, RecordKind::HospitalAdmission) => "入院",
        (Lang::Ja, RecordKind::Assessment) => "アセスメント",
        (Lang::Ja, RecordKind::TransitionPlan) => "支援計画",
        (Lang::Ja, RecordKind::Housing) => "住居",
        (Lang::Ja, RecordKind::Discharge) => "退院",
        (Lang::Ja, RecordKind::Readmission) => "再入院",
        (Lang::Ja, RecordKind::Death) => "死亡",
        (Lang::Ja, RecordKind::Consent) => "同意",
        (Lang::Ja, RecordKind::CaseConference) => "ケース会議",
        (Lang::Ja, RecordKind::CaseClosure) => "支援終結",
        (Lang::Ja, RecordKind::Handover) => "引き継ぎ",
        (Lang::Ja, RecordKind::WardInterview) => "面接記録",
        (Lang::Ja, RecordKind::Outing) => "ピア活動記録",
        (Lang::Ja, RecordKind::HomeVisit) => "訪問記録",
        (Lang::En, RecordKind::Person) => "Profile",
        (Lang::En, RecordKind::PersonCard) => "Contact card",
        (Lang::En, RecordKind::HospitalAdmission) => "Hospital admission",
        (Lang::En, RecordKind::Assessment) => "Assessment",
        (Lang::En, RecordKind::TransitionPlan) => "Support plan",
        (Lang::En, RecordKind::Housing) => "Housing",
        (Lang::En, RecordKind::Discharge) => "Discharge",
        (Lang::En, RecordKind::Readmission) => "Readmission",
        (Lang::En, RecordKind::Death) => "Death",
        (Lang::En, RecordKind::Consent) => "Consent",
        (Lang::En, RecordKind::CaseConference) => "Case conference",
        (Lang::En, RecordKind::CaseClosure) => "End of support",
        (Lang::En, RecordKind::Handover) => "Handover",
        (Lang::En, RecordKind::WardInterview) => "Ward interview",
        (Lang::En, RecordKind::Outing) => "Peer-support outing",
        (Lang::En, RecordKind::HomeVisit) => "Home visit",
    }
}

/// (field, Japanese, English).
const FIELDS: &[(&str, &str, &str)] = &[
    ("family_name", "姓", "Family name"),
    ("given_name", "名", "Given name"),
    ("family_name_kana", "姓（かな）", "Family name (kana)"),
    ("given_name_kana", "名（かな）", "Given name (kana)"),
    ("preferred_name", "呼び名", "Preferred name"),
    ("date_of_birth", "生年月日", "Date of birth"),
    ("sex", "性別", "Sex"),
    ("hospital", "病院", "Hospital"),
    ("ward", "病棟", "Ward"),
    ("admitted_on", "入院日", "Admitted on"),
    ("meeting_point", "待ち合わせ場所", "Meeting point"),
    ("display_name", "呼び名（表示名）", "Name to use"),
    ("contact_notes", "会うときのメモ", "Notes for meeting"),
    ("notes", "メモ", "Notes"),
    ("occurred_on", "実施日", "Date"),
    ("start_time", "開始時刻", "Start time"),
    ("end_time", "終了時刻", "End time"),
    ("duration_minutes", "所要時間（分）", "Duration (minutes)"),
    ("place", "場所", "Place"),
    ("interview_type", "面接の種類", "Interview type"),
    (
        "caseworker_present",
        "ケースワーカー同席",
        "Caseworker present",
    ),
    ("participants", "参加者", "Participants"),
    ("persons_words", "本人の言葉", "In the person's words"),
    ("situation", "状況", "Situation"),
    ("assessment", "見立て", "Assessment"),
    ("support_given", "支援内容", "Support given"),
    ("plan_next", "今後の予定", "Next steps"),
    (
        "discharge_motivation",
        "退院意欲",
        "Motivation to leave hospital",
    ),
    ("next_contact_on", "次回予定日", "Next contact"),
    ("activity_type", "活動の種類", "Activity"),
    ("observations", "様子", "Observations"),
    ("peer_reflection", "ピアとしての気づき", "Peer reflection"),
    ("incident", "出来事・ヒヤリハット", "Incident"),
    ("expenses_yen", "費用（円）", "Expenses (yen)"),
    ("visit_kind", "訪問の種類", "Visit kind"),
    ("mental_state", "精神状態", "Mental state"),
    ("daily_living", "日常生活", "Daily living"),
    ("medication", "服薬", "Medication"),
    ("medication_notes", "服薬について", "Medication notes"),
    ("relationships", "対人関係", "Relationships"),
    ("care_given", "実施したケア", "Care given"),
    ("family_support", "家族の支援", "Family support"),
    ("gaf", "GAF", "GAF"),
    ("next_visit_on", "次回訪問日", "Next visit"),
    ("ward_type", "病棟種別", "Ward type"),
    ("admission_form", "入院形態", "Admission type"),
    ("discharged_on", "退院日", "Discharged on"),
    ("attending_doctor", "主治医", "Attending doctor"),
    (
        "discharge_support_worker",
        "退院後生活環境相談員",
        "Discharge support worker",
    ),
    ("assessed_on", "実施日", "Assessed on"),
    ("life_history", "生活歴", "Life history"),
    ("barriers", "退院阻害要因", "Barriers to discharge"),
    ("strengths", "強み", "Strengths"),
    ("needs", "ニーズ", "Needs"),
    ("plan_type", "計画の種類", "Plan type"),
    ("created_on", "作成日", "Created on"),
    ("period_end", "計画期間（終了）", "Plan period ends"),
    ("wishes", "本人の意向", "The person's wishes"),
    ("policy", "支援方針", "Support policy"),
    ("goals", "目標", "Goals"),
    ("monitoring", "モニタリング", "Monitoring"),
    ("next_review_on", "次回見直し日", "Next review"),
    ("consent_on", "同意日", "Agreed on"),
    ("housing_type", "住居の種別", "Housing type"),
    ("moved_in_on", "入居日", "Moved in on"),
    ("rent_yen", "家賃（円）", "Rent (yen)"),
    (
        "housing_allowance_limit_yen",
        "住宅扶助上限額（円）",
        "Housing allowance limit (yen)",
    ),
    ("tenancy_guarantee", "入居債務保証", "Tenancy guarantee"),
    ("guarantee_started_on", "保証開始日", "Guarantee from"),
    ("trial_nights", "体験宿泊の泊数", "Trial nights"),
    ("destination", "退院先", "Destination"),
    ("services", "利用サービス", "Services"),
    (
        "settlement_support_from",
        "地域定着支援の開始日",
        "Settlement support from",
    ),
    ("readmitted_on", "再入院日", "Readmitted on"),
    ("redischarged_on", "再退院日", "Discharged again on"),
    ("died_on", "死亡日", "Date of death"),
    ("in_hospital", "入院中", "In hospital"),
    ("scope", "同意の範囲", "Scope"),
    ("purpose", "目的", "Purpose"),
    ("obtained_on", "取得日", "Obtained on"),
    ("expires_on", "有効期限", "Expires on"),
    ("withdrawn_on", "撤回日", "Withdrawn on"),
    ("by_guardian", "代理同意（後見人等）", "Given by a guardian"),
    ("conference_type", "会議の種類", "Conference type"),
    ("held_on", "開催日", "Held on"),
    ("host", "主催", "Host"),
    (
        "attendees",
        "出席者（機関・役割）",
        "Attendees (organisation, role)",
    ),
    ("decisions", "決定事項", "Decisions"),
    (
        "action_items",
        "アクション（担当・期限）",
        "Action items (owner, due)",
    ),
    ("closed_on", "終結日", "Closed on"),
    ("reason", "理由", "Reason"),
    ("handed_over_on", "引き継ぎ日", "Handed over on"),
    ("from_worker", "前の担当者", "From"),
    ("to_worker", "新しい担当者", "To"),
];

/// (choice value, Japanese, English).
const CHOICES: &[(&str, &str, &str)] = &[
    ("female", "女性", "Female"),
    ("male", "男性", "Male"),
    ("other", "その他", "Other"),
    ("unrecorded", "未記入", "Not recorded"),
    ("ward", "病棟", "Ward"),
    ("visiting_room", "面会室", "Visiting room"),
    ("home", "自宅", "Home"),
    ("office", "事務所", "Office"),
    ("phone", "電話", "Phone"),
    ("first_joint", "初回（合同）面接", "First joint interview"),
    ("continued", "継続面接", "Continued interview"),
    ("family", "家族面接", "Family interview"),
    ("strong", "強い", "Strong"),
    ("some", "ある", "Some"),
    ("ambivalent", "迷いがある", "Ambivalent"),
    ("none", "ない", "None"),
    ("unknown", "不明", "Unknown"),
    (
        "hospital_group",
        "院内グループ活動",
        "Hospital group activity",
    ),
    ("individual_visit", "個別面会", "Individual visit"),
    ("accompanied_outing", "同行外出", "Accompanied outing"),
    (
        "resource_visit",
        "社会資源の見学",
        "Visit to a community resource",
    ),
    ("trial_use", "体験利用", "Trial use"),
    ("trial_stay", "体験宿泊", "Trial stay"),
    (
        "activity_centre",
        "地域活動支援センター",
        "Community activity centre",
    ),
    (
        "shopping_transport_practice",
        "買い物・交通機関の練習",
        "Shopping and transport practice",
    ),
    ("nursing", "訪問看護", "Nursing visit"),
    ("settlement", "地域定着支援", "Settlement support"),
    ("caseworker", "ケースワーカー訪問", "Caseworker visit"),
    ("good", "良好", "Good"),
    ("partial", "一部", "Partial"),
    ("poor", "不良", "Poor"),
    ("stopped", "中断", "Stopped"),
    ("psychiatric_care", "精神療養病棟", "Psychiatric care ward"),
    ("psychiatric_general", "精神病棟", "Psychiatric ward"),
    ("voluntary", "任意入院", "Voluntary"),
    ("medical_protection", "医療保護入院", "Medical protection"),
    ("involuntary", "措置入院", "Involuntary (prefectural order)"),
    ("emergency", "応急入院", "Emergency"),
    (
        "transition",
        "地域移行支援計画",
        "Community transition plan",
    ),
    ("service_use", "サービス等利用計画", "Service use plan"),
    ("visiting_nursing", "訪問看護計画", "Visiting nursing plan"),
    ("post_discharge", "退院後支援計画", "Post-discharge plan"),
    ("crisis", "クライシスプラン", "Crisis plan"),
    ("apartment", "アパート", "Apartment"),
    ("public_housing", "公営住宅", "Public housing"),
    ("group_home", "グループホーム", "Group home"),
    ("family_home", "家族宅", "Family home"),
    ("elderly_facility", "高齢者施設", "Elderly-care facility"),
    ("relief_facility", "救護施設", "Relief facility"),
    ("trial_room", "体験部屋", "Trial room"),
    ("living_alone", "単身生活", "Living alone"),
    ("with_family", "家族と同居", "With family"),
    ("transfer", "転院", "Transfer to another hospital"),
    (
        "individual_support",
        "個別支援会議",
        "Individual support meeting",
    ),
    (
        "service_staff",
        "サービス担当者会議",
        "Service staff meeting",
    ),
    (
        "comprehensive",
        "包括支援会議",
        "Comprehensive support meeting",
    ),
    (
        "discharge_support",
        "退院支援委員会",
        "Discharge support committee",
    ),
    ("readmitted", "再入院", "Readmitted"),
    ("died", "死亡", "Died"),
    ("moved", "転出", "Moved away"),
    ("assistance_ended", "保護廃止", "Public assistance ended"),
    ("support_ended", "支援終了", "Support ended"),
    ("declined", "本人の辞退", "Declined"),
];

fn lookup(table: &'static [(&str, &str, &str)], lang: Lang, key: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, ja, en)| if lang == Lang::Ja { *ja } else { *en })
}

/// A field's label; the identifier itself if it has none.
pub fn field_label(lang: Lang, field: &str) -> String {
    lookup(FIELDS, lang, field).map_or_else(|| field.to_owned(), str::to_owned)
}

/// A choice value's label; the identifier itself if it has none.
pub fn choice_label(lang: Lang, value: &str) -> String {
    lookup(CHOICES, lang, value).map_or_else(|| value.to_owned(), str::to_owned)
}

/// A case stage's name (DOMAIN §2 Case 状態).
pub fn stage_label(lang: Lang, stage: tsunagu_sync::stage::Stage) -> &'static str {
    use tsunagu_sync::stage::{EndReason as R, Stage as S};
    let (ja, en) = match stage {
        S::Listed => ("名簿登載", "Listed"),
        S::FirstJointInterview => ("初回合同面接", "First joint interview"),
        S::ContinuedInterviews => ("継続面接", "Continued interviews"),
        S::TransitionSupport => ("地域移行支援", "Transition support"),
        S::Discharged => ("退院", "Discharged"),
        S::SettlementSupport => ("地域定着支援", "Settlement support"),
        S::Readmitted => ("再入院中", "Readmitted"),
        S::Ended(R::Readmitted) => ("終結（再入院）", "Ended (readmitted)"),
        S::Ended(R::Died) => ("終結（死亡）", "Ended (died)"),
        S::Ended(R::Moved) => ("終結（転出）", "Ended (moved)"),
        S::Ended(R::AssistanceEnded) => ("終結（保護廃止）", "Ended (assistance ended)"),
        S::Ended(R::SupportEnded) => ("終結（支援終了）", "Ended (support ended)"),
        S::Ended(R::Declined) => ("終結（辞退）", "Ended (declined)"),
        S::Ended(R::Other) => ("終結（その他）", "Ended (other)"),
    };
    if lang == Lang::Ja { ja } else { en }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_sync::record::schema::FieldType;

    #[test]
    fn every_field_and_choice_of_every_kind_has_both_labels() {
        for kind in RecordKind::ALL {
            for field in kind.spec().fields {
                assert!(
                    lookup(FIELDS, Lang::Ja, field.name).is_some(),
                    "{}",
                    field.name
                );
                if let FieldType::Choice(values) = field.ty {
                    for value in values {
                        assert!(lookup(CHOICES, Lang::En, value).is_some(), "{value}");
                    }
                }
            }
        }
    }
}
