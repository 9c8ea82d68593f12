/**
 * The country codes AWS WAF's geo match statement accepts: the "Valid Values" of `CountryCodes` in the AWS WAFV2
 * API reference (https://docs.aws.amazon.com/waf/latest/APIReference/API_GeoMatchStatement.html), which are the
 * ISO 3166-1 alpha-2 codes plus XK (Kosovo).
 *
 * ICU's region names (`Intl.DisplayNames`) cannot decide this on their own: they also name deprecated codes by
 * what replaced them ('UK' is "United Kingdom", 'SU' is "Russia"), groupings ('EU', 'UN', 'EZ') and private-use
 * codes ('QO', 'XA', 'ZZ'), none of which WAF accepts. They are used only to suggest the code a deprecated one
 * became.
 */
export const WAF_COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY ' +
    'BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK ' +
    'FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR ' +
    'IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ' +
    'ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF ' +
    'TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** Problems with a list of country codes named `name`: codes WAF does not know, and codes listed twice. */
export function countryCodeProblems(name: string, codes: readonly string[]): string[] {
  const problems: string[] = [];
  const bad = codes.filter((c) => !WAF_COUNTRY_CODES.has(c));
  if (bad.length > 0) {
    const hints = bad.flatMap((c) => {
      const code = replacementOf(c);
      return code
        ? [`'${code}' (${new Intl.DisplayNames(['en'], { type: 'region' }).of(code)}) for '${c}'`]
        : [];
    });
    problems.push(
      `\`${name}\` must hold ISO 3166-1 alpha-2 codes in upper case like 'KP', as AWS WAF knows them, got ${bad.map((c) => `'${c}'`).join(', ')}${hints.length > 0 ? `; did you mean ${hints.join(', ')}?` : ''}`,
    );
  }
  const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
  if (twice.length > 0) {
    problems.push(
      `\`${name}\` must name each country once, got ${twice.map((c) => `'${c}'`).join(', ')} twice`,
    );
  }
  return problems;
}

/** The code WAF knows that ICU reads `code` as ('UK' is 'GB', 'kp' is 'KP'), if it is another. */
function replacementOf(code: string): string | undefined {
  if (!/^[A-Za-z]{2}$/.test(code)) {
    return undefined;
  }
  const region = new Intl.Locale(`und-${code.toUpperCase()}`).region;
  return region !== undefined && region !== code && WAF_COUNTRY_CODES.has(region) ? region : undefined;
}
