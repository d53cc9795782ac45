//! Azure region names. `resourceGroup().location` returns a region's programmatic
//! name (`northeurope`), whatever spelling the user gave (`North Europe`).

/// `North Europe` → `northeurope`: lowercase, without spaces, as Azure returns it.
pub fn normalize_location(location: &str) -> String {
    location
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a normalised name is an Azure region's programmatic name (public,
/// government and China clouds; `az account list-locations`, checked 2026-12-01).
pub fn is_known_region(normalized: &str) -> bool {
    REGIONS.binary_search(&normalized).is_ok()
}

/// Sorted, for the binary search.
const REGIONS: &[&str] = &[
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "brazilus",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "centraluseuap",
    "chilecentral",
    "chinaeast",
    "chinaeast2",
    "chinaeast3",
    "chinanorth",
    "chinanorth2",
    "chinanorth3",
    "denmarkeast",
    "eastasia",
    "eastus",
    "eastus2",
    "eastus2euap",
    "eastusstg",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiacentral",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southcentralusstg",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "taiwannorth",
    "taiwannorthwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "usdodcentral",
    "usdodeast",
    "usgovarizona",
    "usgoviowa",
    "usgovtexas",
    "usgovvirginia",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_normalise_to_programmatic_names() {
        assert_eq!(normalize_location("North Europe"), "northeurope");
        assert_eq!(normalize_location(" West US 2 "), "westus2");
        assert_eq!(normalize_location("swedencentral"), "swedencentral");
        assert!(is_known_region(&normalize_location("North Europe")));
        assert!(is_known_region("usgovvirginia"));
        assert!(!is_known_region(&normalize_location("North Mars")));
        assert!(!is_known_region("North Europe"), "only normalised names");
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(REGIONS.windows(2).all(|w| w[0] < w[1]));
    }
}
