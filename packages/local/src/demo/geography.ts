/** Where the demo election's regions sit: one real city each, so the map shows a plausible country. */
const regionCentres: readonly {
  readonly city: string;
  readonly cityHi: string;
  readonly lat: number;
  readonly lon: number;
}[] = [
  { city: 'Delhi', cityHi: 'दिल्ली', lat: 28.6139, lon: 77.209 },
  { city: 'Mumbai', cityHi: 'मुंबई', lat: 19.076, lon: 72.8777 },
  { city: 'Bengaluru', cityHi: 'बेंगलुरु', lat: 12.9716, lon: 77.5946 },
  { city: 'Kolkata', cityHi: 'कोलकाता', lat: 22.5726, lon: 88.3639 },
  { city: 'Hyderabad', cityHi: 'हैदराबाद', lat: 17.385, lon: 78.4867 },
  { city: 'Lucknow', cityHi: 'लखनऊ', lat: 26.8467, lon: 80.9462 },
  { city: 'Ahmedabad', cityHi: 'अहमदाबाद', lat: 23.0225, lon: 72.5714 },
  { city: 'Chennai', cityHi: 'चेन्नई', lat: 13.0827, lon: 80.2707 },
  { city: 'Patna', cityHi: 'पटना', lat: 25.5941, lon: 85.1376 },
  { city: 'Bhopal', cityHi: 'भोपाल', lat: 23.2599, lon: 77.4126 },
];

const parties = [
  'Lotus Front',
  'Wheel Party',
  'Lamp Alliance',
  'River Union',
  'Kite Congress',
  'Star Movement',
];
const partiesHi = ['कमल मोर्चा', 'पहिया पार्टी', 'दीपक गठबंधन', 'नदी संघ', 'पतंग कांग्रेस', 'तारा आंदोलन'];
const givenNames = [
  'Asha',
  'Ravi',
  'Meera',
  'Imran',
  'Kavita',
  'Arjun',
  'Farah',
  'Vikram',
  'Lakshmi',
  'Sanjay',
];
const givenNamesHi = ['आशा', 'रवि', 'मीरा', 'इमरान', 'कविता', 'अर्जुन', 'फ़राह', 'विक्रम', 'लक्ष्मी', 'संजय'];
const familyNames = ['Sharma', 'Iyer', 'Khan', 'Das', 'Reddy', 'Patel', 'Singh', 'Nair', 'Ghosh', 'Rao'];
const familyNamesHi = ['शर्मा', 'अय्यर', 'ख़ान', 'दास', 'रेड्डी', 'पटेल', 'सिंह', 'नायर', 'घोष', 'राव'];
const directions = ['North', 'East', 'South', 'West'];
const directionsHi = ['उत्तर', 'पूर्व', 'दक्षिण', 'पश्चिम'];

// About 220 m: a booth's building and yard, wide enough for GPS noise indoors.
const GEOFENCE_HALF_DEGREES = 0.002;

/** The demo place of booth b of constituency c in region r: a name, an address, a point and a geofence. */
export function demoBoothPlace(r: number, c: number, b: number) {
  const centre = regionCentres[(r - 1) % regionCentres.length]!;
  // Constituencies ring the city; booths sit a couple of kilometres apart within each.
  const angle = ((c - 1) / 4) * 2 * Math.PI;
  const lat = round(centre.lat + 0.12 * Math.sin(angle) + 0.018 * (b - 1) + 0.9 * Math.floor((r - 1) / 10));
  const lon = round(centre.lon + 0.12 * Math.cos(angle) + 0.011 * (b - 1));
  const d = GEOFENCE_HALF_DEGREES;
  return {
    name: `${centre.city} booth ${c}.${b}`,
    nameHi: `${centre.cityHi} केंद्र ${c}.${b}`,
    address: `Government School no. ${b}, ward ${c}, ${centre.city}`,
    location: { lat, lon },
    geofence: [
      [round(lon - d), round(lat - d)],
      [round(lon + d), round(lat - d)],
      [round(lon + d), round(lat + d)],
      [round(lon - d), round(lat + d)],
      [round(lon - d), round(lat - d)],
    ] as [number, number][],
  };
}

/** The demo name of a region's constituency, after its city, and its Hindi form. */
export function demoConstituencyName(r: number, c: number): string {
  return `${regionCentres[(r - 1) % regionCentres.length]!.city} ${directions[(c - 1) % 4]}${c > 4 ? ` ${Math.ceil(c / 4)}` : ''}`;
}

/** The Hindi form of `demoConstituencyName`. */
export function demoConstituencyNameHi(r: number, c: number): string {
  return `${regionCentres[(r - 1) % regionCentres.length]!.cityHi} ${directionsHi[(c - 1) % 4]}${c > 4 ? ` ${Math.ceil(c / 4)}` : ''}`;
}

/** The demo name of region r. */
export function demoRegionName(r: number): string {
  return `${regionCentres[(r - 1) % regionCentres.length]!.city} region`;
}

/** A demo candidate: a person's name and a party, stable for the same position. */
export function demoCandidate(r: number, c: number, k: number) {
  const seed = r * 31 + c * 7 + k;
  return {
    name: `${givenNames[seed % givenNames.length]} ${familyNames[(seed * 3) % familyNames.length]}`,
    nameHi: `${givenNamesHi[seed % givenNames.length]} ${familyNamesHi[(seed * 3) % familyNames.length]}`,
    party: parties[(k - 1) % parties.length]!,
    partyHi: partiesHi[(k - 1) % parties.length]!,
    ballotOrder: k,
  };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
