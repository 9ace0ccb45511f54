/** Towns a citizen may type instead of sharing their location; enough to sort booths by distance. */
export const places: readonly {
  readonly name: string;
  readonly hi: string;
  readonly lat: number;
  readonly lon: number;
}[] = [
  { name: 'Delhi', hi: 'दिल्ली', lat: 28.6139, lon: 77.209 },
  { name: 'Jaipur', hi: 'जयपुर', lat: 26.9124, lon: 75.7873 },
  { name: 'Lucknow', hi: 'लखनऊ', lat: 26.8467, lon: 80.9462 },
  { name: 'Mumbai', hi: 'मुंबई', lat: 19.076, lon: 72.8777 },
  { name: 'Pune', hi: 'पुणे', lat: 18.5204, lon: 73.8567 },
  { name: 'Ahmedabad', hi: 'अहमदाबाद', lat: 23.0225, lon: 72.5714 },
  { name: 'Bengaluru', hi: 'बेंगलुरु', lat: 12.9716, lon: 77.5946 },
  { name: 'Chennai', hi: 'चेन्नई', lat: 13.0827, lon: 80.2707 },
  { name: 'Hyderabad', hi: 'हैदराबाद', lat: 17.385, lon: 78.4867 },
  { name: 'Kolkata', hi: 'कोलकाता', lat: 22.5726, lon: 88.3639 },
  { name: 'Patna', hi: 'पटना', lat: 25.5941, lon: 85.1376 },
  { name: 'Guwahati', hi: 'गुवाहाटी', lat: 26.1445, lon: 91.7362 },
  { name: 'Bhopal', hi: 'भोपाल', lat: 23.2599, lon: 77.4126 },
  { name: 'Nagpur', hi: 'नागपुर', lat: 21.1458, lon: 79.0882 },
  { name: 'Chandigarh', hi: 'चंडीगढ़', lat: 30.7333, lon: 76.7794 },
  { name: 'Kochi', hi: 'कोच्चि', lat: 9.9312, lon: 76.2673 },
  { name: 'Bhubaneswar', hi: 'भुवनेश्वर', lat: 20.2961, lon: 85.8245 },
  { name: 'Srinagar', hi: 'श्रीनगर', lat: 34.0837, lon: 74.7973 },
];

/** The town a typed name stands for, in either language, ignoring case. */
export function findPlace(typed: string) {
  const t = typed.trim().toLowerCase();
  if (t === '') return undefined;
  return places.find((p) => p.name.toLowerCase() === t || p.hi === typed.trim());
}
