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
        (Lang::Ja, RecordKind::WardInterview) => "面接記録",
        (Lang::Ja, RecordKind::Outing) => "ピア活動記録",
        (Lang::Ja, RecordKind::HomeVisit) => "訪問記録",
        (Lang::En, RecordKind::Person) => "Profile",
        (Lang::En, RecordKind::PersonCard) => "Contact card",
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
