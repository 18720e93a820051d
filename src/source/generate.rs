//! `--generate N`: synthetic customers, the same for the same `--seed`, with names from many
//! languages and scripts.

use super::{Location, Parsed};
use customer_ingest::{Customer, CustomerId, CustomerName};
use serde_json::json;

/// Given names and family names of one language, so that generated names look like names.
struct NamePool {
    given: &'static [&'static str],
    family: &'static [&'static str],
}

/// Names from many languages and scripts, with accents, apostrophes, hyphens and spaces, so
/// that generated data exercises what real customer names contain.
const NAME_POOLS: &[NamePool] = &[
    NamePool {
        given: &["Rodolfo", "Ana", "José", "María", "Inés", "Íñigo", "Begoña"],
        family: &[
            "Avelino",
            "García",
            "Fernández",
            "Núñez",
            "de la Cruz",
            "Ibáñez",
            "Peña",
        ],
    },
    NamePool {
        given: &["João", "Conceição", "Gonçalo", "Luís", "Iara"],
        family: &["Gonçalves", "Magalhães", "Araújo", "da Silva", "Simões"],
    },
    NamePool {
        given: &["Chloé", "François", "Renée", "Hélène", "Anaïs", "Loïc"],
        family: &["Saint-Exupéry", "Lefèvre", "Dubois", "Bérénger", "d'Arcy"],
    },
    NamePool {
        given: &["Jürgen", "Zoë", "Günther", "Lena", "Mareike"],
        family: &["Müller", "Schäfer", "Groß", "Weiß", "von Bülow"],
    },
    NamePool {
        given: &["Søren", "Åsa", "Björk", "Guðrún", "Þór", "Ólafur"],
        family: &["Sørensen", "Lindqvist", "Øvergaard", "Þórsdóttir", "Håkansson"],
    },
    NamePool {
        given: &["Łukasz", "Zofia", "Tomáš", "Małgorzata", "Jiří"],
        family: &["Kowalski", "Wiśniewska", "Dvořák", "Nováková", "Szczęsny"],
    },
    NamePool {
        given: &["Siobhán", "Seán", "Aoife", "Niamh", "Pádraig"],
        family: &[
            "O'Brien",
            "Ó Súilleabháin",
            "Mac Giolla Phádraig",
            "Ní Bhriain",
            "Keane",
        ],
    },
    NamePool {
        given: &["Ngozi", "Chinedu", "Oluwaseun", "Sipho", "Thandiwe", "Kwame"],
        family: &["Okafor", "Adeyemi", "Mensah", "Dlamini", "Nwachukwu-Eze"],
    },
    NamePool {
        given: &["Aarav", "Priya", "Ananya", "Saanvi", "Rohan"],
        family: &["Sharma", "Iyer", "Venkataraman", "Chatterjee", "Nair"],
    },
    NamePool {
        given: &["Thảo", "Minh", "Hương", "Đức"],
        family: &["Nguyễn", "Trần", "Phạm", "Lê"],
    },
    NamePool {
        given: &["Elif", "Mehmet", "Çağla", "Ayşe", "Oğuz"],
        family: &["Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan"],
    },
    NamePool {
        given: &["Анна", "Иван", "Дмитрий", "Ольга"],
        family: &["Иванова", "Петров", "Смирнов", "Кузнецова"],
    },
    NamePool {
        given: &["Ελένη", "Γιώργος", "Αλέξανδρος", "Μαρία"],
        family: &["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"],
    },
    NamePool {
        given: &["さくら", "翔太", "Yuki", "Hiroshi"],
        family: &["山田", "佐藤", "Tanaka", "Suzuki"],
    },
    NamePool {
        given: &["민준", "서연", "Ji-woo", "Min-jun"],
        family: &["김", "박", "Lee", "Park"],
    },
    NamePool {
        given: &["伟", "芳", "Mei", "Wei"],
        family: &["王", "李", "Chen", "Zhang"],
    },
    NamePool {
        given: &["محمد", "فاطمة", "Youssef", "Leila"],
        family: &["العلي", "حداد", "El Amrani", "Al-Hashimi"],
    },
    NamePool {
        given: &["Kalani", "Tāne", "Aroha", "Keoni"],
        family: &["Kahananui", "Ngata", "Te Whāiti", "Kealoha"],
    },
];

/// SplitMix64: a tiny, fixed generator, so that a seed gives the same customers in every
/// version of custctl (library generators do not promise that), and any customer can be
/// made without making the ones before it.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `index`-th generated name for `seed`.
pub fn generated_name(seed: u64, index: u64) -> String {
    let mut state = mix(seed ^ mix(index));
    let mut pick = |len: usize| {
        state = mix(state);
        (state % len as u64) as usize
    };
    let pool = &NAME_POOLS[pick(NAME_POOLS.len())];
    let given = pool.given[pick(pool.given.len())];
    let family = pool.family[pick(pool.family.len())];
    // One in six has a second given name, so that lengths vary.
    if pick(6) == 0 {
        let second = pool.given[pick(pool.given.len())];
        if second != given {
            return format!("{given} {second} {family}");
        }
    }
    format!("{given} {family}")
}

pub(super) fn generated(seed: u64, start_id: i64, index: u64) -> Parsed {
    let location = Location::Generated(index);
    let id = start_id.saturating_add(index as i64);
    let name = generated_name(seed, index);
    match (CustomerId::new(id), CustomerName::new(name.clone())) {
        (Ok(id), Ok(name)) => {
            let customer = Customer::new(id, name);
            Parsed {
                location,
                body: customer.to_json(),
                verdict: Ok(customer),
            }
        }
        _ => Parsed::from_value(location, json!({ "CustID": id, "Name": name })),
    }
}
