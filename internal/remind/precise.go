package remind

import "math"

// trueNewMoon is the Julian date (UT) of the k-th new moon counted from the
// one of 6 January 2000 (Meeus, "Astronomical Algorithms" 2nd ed., ch. 49,
// all periodic and additional terms; error well under a minute).
func trueNewMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	dr := math.Pi / 180
	jde := 2451550.09766 + 29.530588861*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	e := 1 - 0.002516*t - 0.0000074*t2
	m := (2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3) * dr
	mp := (201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4) * dr
	f := (160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4) * dr
	om := (124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3) * dr
	s := math.Sin
	c := -0.40720*s(mp) + 0.17241*e*s(m) + 0.01608*s(2*mp) + 0.01039*s(2*f) +
		0.00739*e*s(mp-m) - 0.00514*e*s(mp+m) + 0.00208*e*e*s(2*m) -
		0.00111*s(mp-2*f) - 0.00057*s(mp+2*f) + 0.00056*e*s(2*mp+m) -
		0.00042*s(3*mp) + 0.00042*e*s(m+2*f) + 0.00038*e*s(m-2*f) -
		0.00024*e*s(2*mp-m) - 0.00017*s(om) - 0.00007*s(mp+2*m) +
		0.00004*s(2*mp-2*f) + 0.00004*s(3*m) + 0.00003*s(mp+m-2*f) +
		0.00003*s(2*mp+2*f) - 0.00003*s(mp+m+2*f) + 0.00003*s(mp-m+2*f) -
		0.00002*s(mp-m-2*f) - 0.00002*s(3*mp+m) + 0.00002*s(4*mp)
	a := [14]float64{
		299.77 + 0.107408*kf - 0.009173*t2, 251.88 + 0.016321*kf, 251.83 + 26.651886*kf,
		349.42 + 36.412478*kf, 84.66 + 18.206239*kf, 141.74 + 53.303771*kf, 207.14 + 2.453732*kf,
		154.84 + 7.306860*kf, 34.52 + 27.261239*kf, 207.19 + 0.121824*kf, 291.34 + 1.844379*kf,
		161.72 + 24.198154*kf, 239.56 + 25.513099*kf, 331.55 + 3.592518*kf,
	}
	w := [14]float64{325, 165, 164, 126, 110, 62, 60, 56, 47, 42, 40, 37, 35, 23}
	for i := range a {
		c += w[i] * 1e-6 * s(a[i]*dr)
	}
	jde += c
	return jde - deltaT(jde)/86400
}

// deltaT is TT − UT in seconds near Julian date jd (Espenak & Meeus polynomials).
func deltaT(jd float64) float64 {
	y := 2000 + (jd-2451544.5)/365.2425
	switch {
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	}
}

// apparentSunLongitude is the Sun's apparent longitude in radians at
// Julian date jd (UT): Meeus ch. 25 with nutation and aberration.
func apparentSunLongitude(jd float64) float64 {
	jd += deltaT(jd) / 86400
	t := (jd - 2451545.0) / 36525
	dr := math.Pi / 180
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t
	m := (357.52911 + 35999.05029*t - 0.0001537*t*t) * dr
	c := (1.914602-0.004817*t-0.000014*t*t)*math.Sin(m) + (0.019993-0.000101*t)*math.Sin(2*m) + 0.000289*math.Sin(3*m)
	om := (125.04 - 1934.136*t) * dr
	l := (l0 + c - 0.00569 - 0.00478*math.Sin(om)) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}
