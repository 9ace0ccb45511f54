/** The states and union territories of India, bundled at build time (see `src/india-states.ts`). */
declare module 'virtual:india-states' {
  const states: import('geojson').FeatureCollection<
    import('geojson').Polygon | import('geojson').MultiPolygon,
    { readonly code: string; readonly name: string; readonly nameHi: string }
  >;
  export default states;
}
